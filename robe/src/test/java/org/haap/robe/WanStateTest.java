package org.haap.robe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WanStateTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final WanPath dsl = path("dsl", "192.0.2.1");
    private final WanPath lte = path("lte", "192.0.2.2");
    private final WanState state = new WanState(List.of(dsl, lte), Duration.ofSeconds(1), Duration.ofSeconds(4),
            now::get);

    @Test
    void allUpInPreferenceOrder() {
        assertEquals(List.of(dsl, lte), state.candidates());
        assertTrue(state.isUp(dsl));
    }

    @Test
    void failedPathIsSkippedDuringItsBackoffThenProbedAgain() {
        state.record(dsl, Outcome.TIMEOUT);
        assertFalse(state.isUp(dsl));
        assertEquals(List.of(lte), state.candidates());
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertEquals(List.of(lte), state.candidates());
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertEquals(List.of(dsl, lte), state.candidates());
    }

    @Test
    void backoffDoublesUpToTheMaximumAndSuccessResetsIt() {
        for (int i = 0; i < 5; i++) {
            state.record(dsl, Outcome.UNREACHABLE);
        }
        now.addAndGet(Duration.ofMillis(3999).toNanos());
        assertFalse(state.isUp(dsl), "capped at 4 s, not yet over");
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertTrue(state.isUp(dsl));
        state.record(dsl, Outcome.ESTABLISHED);
        state.record(dsl, Outcome.TIMEOUT);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(state.isUp(dsl), "back to the initial back-off after a success");
    }

    @Test
    void refusedMeansThePathWorks() {
        state.record(dsl, Outcome.REFUSED);
        assertTrue(state.isUp(dsl));
    }

    @Test
    void whenEveryPathIsBackingOffAllLinkUpPathsAreCandidates() {
        state.record(dsl, Outcome.TIMEOUT);
        state.record(lte, Outcome.TIMEOUT);
        assertEquals(List.of(dsl, lte), state.candidates());
    }

    @Test
    void linkDownIsSkippedEvenAsLastResortUnlessEveryLinkIsDown() {
        state.linkChanged(dsl, false);
        state.record(lte, Outcome.TIMEOUT);
        assertEquals(List.of(lte), state.candidates());
        state.linkChanged(lte, false);
        assertEquals(List.of(dsl, lte), state.candidates());
        state.linkChanged(dsl, true);
        assertEquals(List.of(dsl), state.candidates());
    }

    @Test
    void unknownPathIsRejectedByQueriesAndIgnoredByRecord() {
        WanPath other = path("other", "192.0.2.3");
        assertThrows(IllegalArgumentException.class, () -> state.isUp(other));
        state.record(other, Outcome.TIMEOUT);
        assertEquals(List.of(dsl, lte), state.candidates());
    }

    private static WanPath path(String name, String source) {
        try {
            return new WanPath(name, name + "0", InetAddress.getByName(source), null);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
