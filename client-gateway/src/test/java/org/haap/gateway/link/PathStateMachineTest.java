package org.haap.gateway.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.haap.config.LinkMonitorSettings;
import org.haap.robe.WanPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-WAN state machine driven with a fake clock (ns). */
class PathStateMachineTest {

    private static final long MS = 1_000_000L;
    private static final LinkMonitorSettings DEFAULTS = LinkMonitorSettings.defaults();
    private static final WanPath DSL = new WanPath("dsl", "dsl0", InetAddress.getLoopbackAddress(), null);

    private final List<String> changes = new ArrayList<>();
    private int answered;
    private int lost;
    private int sent;
    private final LinkListener recorder = new LinkListener() {
        @Override
        public void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
            changes.add(from.label() + "->" + to.label() + ": " + reason);
        }

        @Override
        public void probeAnswered(WanPath path, long rttNanos) {
            answered++;
        }

        @Override
        public void probeLost(WanPath path) {
            lost++;
        }

        @Override
        public void probeSent(WanPath path) {
            sent++;
        }
    };

    private PathStateMachine machine(LinkMonitorSettings s) {
        return new PathStateMachine(DSL, s, recorder);
    }

    /** Sends a probe at {@code t}, answers it after {@code rttMs} (or never if negative), expires at its timeout. */
    private static void probe(PathStateMachine m, long t, long rttMs) {
        long seq = m.probeSent(t);
        if (rttMs >= 0) {
            m.answered(seq, t + rttMs * MS);
        }
        m.expire(t + DEFAULTS.timeout().toNanos());
    }

    @Test
    void startsUpAndGoesDownAfterThreeLostInARowNotTwo() {
        PathStateMachine m = machine(DEFAULTS);
        assertEquals(LinkState.UP, m.state());
        probe(m, 0, 20);
        probe(m, 200 * MS, -1);
        probe(m, 400 * MS, -1);
        assertEquals(LinkState.UP, m.state(), "two lost in a row");
        probe(m, 600 * MS, 20);
        probe(m, 800 * MS, -1);
        probe(m, 1000 * MS, -1);
        assertEquals(LinkState.UP, m.state(), "the answer in between broke the streak");
        probe(m, 1200 * MS, -1);
        assertEquals(LinkState.DOWN, m.state());
        assertEquals(List.of("up->down: 3 probes lost in a row, last answer 880 ms ago"), changes);
        assertEquals(7, sent);
        assertEquals(2, answered);
        assertEquals(5, lost);
    }

    /**
     * A blackhole starting at any moment is detected within interval x down-after + timeout:
     * probes every 200 ms answered after 20 ms until the blackhole, timeouts checked when due.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 19, 21, 100, 199, 250, 333})
    void silentBlackholeIsDetectedWithinTheBound(long offsetMs) {
        PathStateMachine m = machine(DEFAULTS);
        long blackhole = 2000 * MS + offsetMs * MS;
        long interval = DEFAULTS.interval().toNanos();
        long timeout = DEFAULTS.timeout().toNanos();
        List<long[]> pending = new ArrayList<>(); // {seq, sentAt}
        long downAt = -1;
        // Event-driven simulation on a 1 ms grid: sends, replies (if sent and returned before the blackhole), expiries.
        for (long t = 0; t < 5000 * MS && downAt < 0; t += MS) {
            if (t % interval == 0) {
                pending.add(new long[] {m.probeSent(t), t});
            }
            for (long[] p : new ArrayList<>(pending)) {
                if (t == p[1] + 20 * MS && t < blackhole) {
                    m.answered(p[0], t);
                    pending.remove(p);
                } else if (t == p[1] + timeout) {
                    pending.remove(p);
                }
            }
            m.expire(t);
            if (m.state() == LinkState.DOWN) {
                downAt = t;
            }
        }
        assertTrue(downAt > 0, "went down");
        long detection = downAt - blackhole;
        assertTrue(detection > 0 && detection <= DEFAULTS.detectionBound().toNanos(),
                () -> "detected after " + detection / MS + " ms (bound " + DEFAULTS.detectionBound().toMillis() + ")");
    }

    @Test
    void comesBackUpOnlyAfterTwoAnswersInARow() {
        PathStateMachine m = machine(DEFAULTS);
        probe(m, -200 * MS, 10);
        for (int i = 0; i < 3; i++) {
            probe(m, i * 200 * MS, -1);
        }
        assertEquals(LinkState.DOWN, m.state());
        probe(m, 600 * MS, 20);
        assertEquals(LinkState.DOWN, m.state(), "one answer is not enough");
        probe(m, 800 * MS, -1);
        probe(m, 1000 * MS, 20);
        assertEquals(LinkState.DOWN, m.state(), "a loss restarted the count");
        probe(m, 1200 * MS, 20);
        assertEquals(LinkState.UP, m.state());
        assertEquals("down->up: 2 probes answered in a row", changes.get(changes.size() - 1));
        assertEquals(0.0, m.lossPercent(), "the window starts afresh after an outage");
    }

    @Test
    void aLostProbeOlderThanTheNewestAnswerBreaksNoStreak() {
        PathStateMachine m = machine(DEFAULTS);
        long s1 = m.probeSent(0);
        long s2 = m.probeSent(200 * MS);
        long s3 = m.probeSent(400 * MS);
        m.answered(s3, 420 * MS); // s1 and s2 still outstanding
        m.expire(700 * MS); // s1, s2 lost, but s3 (newer) was answered
        assertEquals(2, lost);
        assertEquals(LinkState.UP, m.state());
        long s4 = m.probeSent(600 * MS);
        long s5 = m.probeSent(800 * MS);
        long s6 = m.probeSent(1000 * MS);
        m.expire(1300 * MS);
        assertEquals(LinkState.DOWN, m.state(), "three newer probes lost");
        assertTrue(m.answered(s4, 1400 * MS), "a late reply is taken");
        assertEquals(LinkState.DOWN, m.state(), "but it brings nothing up");
        assertFalse(m.answered(s4, 1410 * MS), "a duplicate is ignored");
        assertFalse(m.answered(99, 1420 * MS), "an unknown sequence is ignored");
        assertEquals(1, answered, "only the answer on time is an RTT");
        assertTrue(s1 < s2 && s5 < s6);
    }

    @Test
    void aLateAnswerEndsTheStreakOfLostProbes() {
        PathStateMachine m = machine(DEFAULTS);
        probe(m, 0, 1);
        long s1 = m.probeSent(200 * MS);
        m.expire(500 * MS);
        long s2 = m.probeSent(400 * MS);
        m.expire(700 * MS);
        assertEquals(2, lost, "two lost in a row");
        assertTrue(m.answered(s2, 710 * MS), "s2's reply, 310 ms after it was sent: late");
        probe(m, 600 * MS, -1);
        assertEquals(LinkState.UP, m.state(), "the path carried s2: s1, s2 and this one are no streak of three");
        probe(m, 800 * MS, -1);
        assertEquals(LinkState.UP, m.state(), "two lost after the late answer");
        probe(m, 1000 * MS, -1);
        assertEquals(LinkState.DOWN, m.state(), "three lost after it");
        assertEquals(5, lost, "a late answer still counts as a loss");
        assertTrue(s1 < s2);
    }

    /** Two WANs on one board, each with the default settings but an all-silent hold of 1.8 s. */
    private PathStateMachine[] twoWans() {
        AnswerBoard board = new AnswerBoard();
        WanPath lte = new WanPath("lte", "wwan0", InetAddress.getLoopbackAddress(), null);
        LinkMonitorSettings d = DEFAULTS;
        LinkMonitorSettings s = new LinkMonitorSettings(d.enabled(), d.target(), d.interval(), d.timeout(),
                d.downAfter(), d.upAfter(), d.window(), d.degradedLossPercent(), d.degradedRtt(),
                d.carrierPollInterval(), Duration.ofMillis(1800));
        return new PathStateMachine[] {new PathStateMachine(DSL, s, recorder, board),
            new PathStateMachine(lte, s, recorder, board)};
    }

    /** Both WANs probed every 200 ms from 0 to 2000 ms, every probe answered in 1 ms. */
    private static void bothAnswerUntil2000(PathStateMachine[] m) {
        for (long t = 0; t <= 2000; t += 200) {
            probe(m[0], t * MS, 1);
            probe(m[1], t * MS, 1);
        }
    }

    @Test
    void aLossOfItsOwnIsDownAfterThreeWhileTheOtherWanAnswers() {
        PathStateMachine[] m = twoWans();
        bothAnswerUntil2000(m);
        for (long t = 2200; t <= 2600; t += 200) {
            probe(m[1], t * MS, 1);
            probe(m[0], t * MS, -1);
        }
        assertEquals(LinkState.DOWN, m[0].state(), "dsl silent while lte answers probes sent after dsl's");
        assertEquals(LinkState.UP, m[1].state());
        assertEquals("degraded->down: 3 probes lost in a row, last answer 899 ms ago", changes.get(changes.size() - 1));
    }

    @Test
    void whenNoWanAnswersTheDownDecisionWaitsForTheCommonSilenceHold() {
        PathStateMachine[] m = twoWans();
        bothAnswerUntil2000(m);
        // From 2200 nothing is answered on either WAN: the aggregation point (or this host) stopped.
        for (long t = 2200; t < 3800; t += 200) {
            probe(m[0], t * MS, -1);
            probe(m[1], t * MS, -1);
            assertTrue(m[0].state() != LinkState.DOWN && m[1].state() != LinkState.DOWN, "held at " + t);
        }
        // judged at 4100: the streak's first lost probe (sent at 2200) is 1.9 s old
        probe(m[0], 3800 * MS, -1);
        probe(m[1], 3800 * MS, -1);
        assertEquals(List.of(LinkState.DOWN, LinkState.DOWN), List.of(m[0].state(), m[1].state()),
                "down once the first lost probe is 1.8 s old");
        assertTrue(changes.stream().anyMatch(c -> c.endsWith("->down: 9 probes lost in a row, last answer 2099 ms ago,"
                + " no WAN answered for 1900 ms")), changes::toString);
    }

    @Test
    void repliesLateOnEveryWanAreSlownessNotADownWan() {
        PathStateMachine[] m = twoWans();
        bothAnswerUntil2000(m);
        List<long[]> sent = new ArrayList<>();
        for (long t = 2200; t <= 5000; t += 200) { // 2.8 s, longer than the hold
            sent.add(new long[] {m[0].probeSent(t * MS), m[1].probeSent(t * MS), t});
            m[0].expire(t * MS);
            m[1].expire(t * MS);
            for (long[] s : sent) {
                if (s[2] == t - 600) { // every reply 600 ms after its probe: twice the timeout
                    assertTrue(m[0].answered(s[0], t * MS) && m[1].answered(s[1], t * MS));
                }
            }
        }
        assertEquals(List.of(LinkState.DEGRADED, LinkState.DEGRADED), List.of(m[0].state(), m[1].state()),
                "every probe late: degraded (100 % loss), not down");
        assertEquals(2 * 13, lost, "each probe sent up to 4600 counts as lost");
    }

    @Test
    void carrierDownIsDownAtOnceAndCarrierUpWaitsForProbes() {
        PathStateMachine m = machine(DEFAULTS);
        m.carrier(false, 0);
        assertEquals(LinkState.DOWN, m.state());
        assertEquals(List.of("up->down: carrier down"), changes);
        probe(m, 0, 10);
        probe(m, 200 * MS, 10);
        assertEquals(LinkState.DOWN, m.state(), "answers do not count while the carrier is down");
        m.carrier(true, 400 * MS);
        assertEquals(LinkState.DOWN, m.state());
        probe(m, 400 * MS, 10);
        probe(m, 600 * MS, 10);
        assertEquals(LinkState.UP, m.state());
    }

    @Test
    void degradedByLossAndBackWithHysteresis() {
        PathStateMachine m = machine(DEFAULTS); // window 10, 20 %
        long t = 0;
        for (int i = 0; i < 8; i++, t += 200 * MS) {
            probe(m, t, 20);
        }
        probe(m, t, -1);
        t += 200 * MS;
        assertEquals(LinkState.UP, m.state(), "window not full yet");
        probe(m, t, 20);
        t += 200 * MS;
        assertEquals(LinkState.UP, m.state(), "10 % loss");
        probe(m, t, -1);
        t += 200 * MS;
        assertEquals(LinkState.DEGRADED, m.state(), "20 % loss");
        assertTrue(changes.get(0).startsWith("up->degraded: loss 20 %"), changes::toString);
        // One loss leaves the window at 10 %: half the threshold, recovered.
        for (int i = 0; i < 5; i++, t += 200 * MS) {
            probe(m, t, 20);
        }
        assertEquals(LinkState.DEGRADED, m.state(), "still 20 % over the last 10");
        for (int i = 0; i < 4; i++, t += 200 * MS) {
            probe(m, t, 20);
        }
        assertEquals(LinkState.UP, m.state(), "10 % over the last 10: recovered");
    }

    @Test
    void degradedByRtt() {
        LinkMonitorSettings s = new LinkMonitorSettings(true, Optional.empty(), Duration.ofMillis(200),
                Duration.ofSeconds(1), 3, 2, 4, 50, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(1));
        PathStateMachine m = machine(s);
        long t = 0;
        for (int i = 0; i < 4; i++, t += 200 * MS) {
            probe(m, t, 90);
        }
        assertEquals(LinkState.UP, m.state(), "mean 90 ms < 100 ms");
        probe(m, t, 150);
        t += 200 * MS;
        assertEquals(LinkState.DEGRADED, m.state(), "mean 105 ms");
        for (int i = 0; i < 4; i++, t += 200 * MS) {
            probe(m, t, 85);
        }
        assertEquals(LinkState.DEGRADED, m.state(), "85 ms is not below 80 % of 100 ms");
        for (int i = 0; i < 4; i++, t += 200 * MS) {
            probe(m, t, 50);
        }
        assertEquals(LinkState.UP, m.state());
    }

    @Test
    void lossesBeforeTheFirstAnswerInTheStartGraceBreakNoStreak() {
        PathStateMachine m = machine(DEFAULTS);
        long t = 0;
        for (; t < PathStateMachine.START_GRACE.toNanos(); t += 200 * MS) {
            probe(m, t, -1);
        }
        assertEquals(LinkState.UP, m.state(), "a cold start is not a dead path");
        assertEquals(10, lost, "but every lost probe is counted");
        probe(m, t, -1);
        probe(m, t + 200 * MS, -1);
        assertEquals(LinkState.UP, m.state());
        probe(m, t + 400 * MS, -1);
        assertEquals(LinkState.DOWN, m.state(), "dead from the start: down after the grace + 3 probes");
        assertEquals("up->down: 3 probes lost in a row, last answer never", changes.get(0));
    }

    @Test
    void aColdStartWithALateFirstAnswerStaysUp() {
        PathStateMachine m = machine(DEFAULTS);
        for (int i = 0; i < 4; i++) {
            probe(m, i * 200 * MS, -1);
        }
        probe(m, 800 * MS, 20);
        for (int i = 5; i < 8; i++) {
            probe(m, i * 200 * MS, -1);
        }
        assertEquals(LinkState.DOWN, m.state(), "after the first answer the grace is over");
        assertEquals(List.of("up->down: 3 probes lost in a row, last answer 880 ms ago"), changes);
    }

    @Test
    void outstandingProbesAreBounded() {
        PathStateMachine m = machine(DEFAULTS);
        probe(m, -1000 * MS, 10);
        for (int i = 0; i < PathStateMachine.MAX_OUTSTANDING + 5; i++) {
            m.probeSent(i);
        }
        assertEquals(PathStateMachine.MAX_OUTSTANDING, m.outstanding());
        assertEquals(5, lost);
        assertEquals(LinkState.DOWN, m.state());
    }
}
