package org.haap.robe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PathHistoryTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PathHistory history = new PathHistory(Duration.ofSeconds(10), now::get);
    private final WanPath dsl = path("dsl", "10.1.0.1");
    private final WanPath lte = path("lte", "10.2.0.1");

    @Test
    void smoothedSetupIsAnEwmaWithOneEighthGain() {
        history.success(dsl, Duration.ofMillis(80));
        assertEquals(Duration.ofMillis(80), history.smoothedSetup(dsl).orElseThrow());
        history.success(dsl, Duration.ofMillis(160));
        assertEquals(90, history.smoothedSetup(dsl).orElseThrow().toMillis());
    }

    @Test
    void failuresDecayWithTheHalfLifeAndASuccessHalvesThem() {
        history.failure(lte);
        history.failure(lte);
        assertEquals(2, history.recentFailures(lte), 1e-9);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(1, history.recentFailures(lte), 1e-9);
        history.success(lte, Duration.ofMillis(40));
        assertEquals(0.5, history.recentFailures(lte), 1e-9);
    }

    @Test
    void rankPrefersTheFasterWanAndKeepsTheConfiguredOrderOnTies() {
        assertEquals(List.of(dsl, lte), history.rank(List.of(dsl, lte)));
        assertEquals(List.of(lte, dsl), history.rank(List.of(lte, dsl)));
        history.success(dsl, Duration.ofMillis(40));
        history.success(lte, Duration.ofMillis(20));
        assertEquals(List.of(lte, dsl), history.rank(List.of(dsl, lte)));
    }

    @Test
    void rankAvoidsAWanThatFailedRecentlyUntilTheFailuresDecay() {
        history.success(dsl, Duration.ofMillis(40));
        history.success(lte, Duration.ofMillis(20));
        history.failure(lte);
        assertEquals(List.of(dsl, lte), history.rank(List.of(lte, dsl)));
        now.addAndGet(Duration.ofSeconds(60).toNanos()); // 6 half-lives: 1/64 of a failure left
        assertEquals(List.of(lte, dsl), history.rank(List.of(dsl, lte)));
    }

    @Test
    void synTimeoutIsThreeSmoothedSetupTimesClamped() {
        assertEquals(PathHistory.MAX_SYN_TIMEOUT, history.synTimeout(dsl), "unmeasured: the upper bound");
        history.success(dsl, Duration.ofMillis(40));
        assertEquals(Duration.ofMillis(120), history.synTimeout(dsl));
        history.success(lte, Duration.ofMillis(5));
        assertEquals(PathHistory.MIN_SYN_TIMEOUT, history.synTimeout(lte));
        WanPath slow = path("sat", "10.3.0.1");
        history.success(slow, Duration.ofMillis(700));
        assertEquals(PathHistory.MAX_SYN_TIMEOUT, history.synTimeout(slow));
        assertTrue(history.recentFailures(slow) == 0);
    }

    @Test
    void anUnmeasuredWanBorrowsTheSlowestMeasuredOne() {
        assertEquals(PathHistory.MAX_SYN_TIMEOUT, history.synTimeout(lte), "nothing measured: the upper bound");
        history.success(dsl, Duration.ofMillis(20));
        assertEquals(Duration.ofMillis(60), history.synTimeout(lte), "3 x dsl's 20 ms while lte is unmeasured");
        WanPath sat = path("sat", "10.3.0.1");
        history.success(sat, Duration.ofMillis(30));
        assertEquals(Duration.ofMillis(90), history.synTimeout(lte), "the slowest measured WAN counts");
        history.failure(lte);
        assertEquals(Duration.ofMillis(90), history.synTimeout(lte), "a failure is not a measurement");
        history.success(lte, Duration.ofMillis(40));
        assertEquals(Duration.ofMillis(120), history.synTimeout(lte), "measured: its own time");
    }

    private static WanPath path(String name, String source) {
        try {
            return new WanPath(name, name, InetAddress.getByName(source), null);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
