package org.haap.gateway.pm.policy;

import static org.haap.gateway.pm.PmHarness.DSL;
import static org.haap.gateway.pm.PmHarness.LTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import org.haap.config.PathManagerMode;
import org.haap.config.PathManagerSettings;
import org.haap.config.PathPolicy;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmHarness;
import org.haap.gateway.pm.PmWan;
import org.haap.robe.WanPath;
import org.junit.jupiter.api.Test;

/** Every policy driven through the real engine with fake commands and a fake clock. */
class PoliciesTest {

    private static final Duration TICK = Duration.ofMillis(250);
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Clock MAY_20 = Clock.fixed(Instant.parse("2025-05-20T12:00:00Z"), ZoneOffset.UTC);

    private static PathManagerPolicy policy(PathPolicy p) {
        return Policies.create(new PathManagerSettings(PathManagerMode.USERSPACE, p), PmHarness.WANS, MAY_20);
    }

    private static PathManagerSettings.Overflow overflow(OptionalLong budget) {
        return new PathManagerSettings.Overflow(OptionalLong.of(10_000_000), 0.8, 0.5, Duration.ofSeconds(2),
                budget, 1);
    }

    private static Overflow overflowPolicy(OptionalLong budget) {
        return (Overflow) Policies.create(new PathManagerSettings(PathManagerMode.USERSPACE, PathPolicy.OVERFLOW,
                overflow(budget), PathManagerSettings.SmartBackup.DEFAULTS), PmHarness.WANS, MAY_20);
    }

    // ---- fullmesh ----

    @Test
    void fullmeshJoinsBackupWansAsBackupAndSkipsDownOnes() {
        PmWan third = new PmWan(2, new WanPath("sat", "sat0", PmHarness.ip("192.0.2.77"), null), true);
        PmHarness h = new PmHarness(Policies.create(new PathManagerSettings(PathManagerMode.USERSPACE,
                PathPolicy.FULLMESH), List.of(DSL, LTE, third), MAY_20), List.of(DSL, LTE, third));
        h.pm.wanState("lte", LinkState.DOWN);
        h.established(1, DSL, 40000);
        assertEquals(List.of("create 1 sat 192.0.2.77 id3 backup"), h.commands.take());
        h.pm.wanState("lte", LinkState.DEGRADED);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take(), "degraded is still live");
    }

    @Test
    void fullmeshRejoinsAWanThatComesBackOnEveryConnection() {
        PmHarness h = new PmHarness(policy(PathPolicy.FULLMESH));
        for (int t = 1; t <= 3; t++) {
            h.established(t, DSL, 40000 + t);
            h.subflowUp(t, LTE, 50000 + t, false);
        }
        h.commands.take();
        h.pm.wanState("lte", LinkState.DOWN);
        assertEquals(3, h.commands.take().stream().filter(s -> s.startsWith("destroy")).count());
        for (int t = 1; t <= 3; t++) {
            h.subflowDown(t, LTE, 50000 + t, 0);
        }
        h.advance(Duration.ofSeconds(1));
        h.pm.wanState("lte", LinkState.UP);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active", "create 2 lte 203.0.113.7 id2 active",
                "create 3 lte 203.0.113.7 id2 active"), h.commands.take().stream().sorted().toList());
    }

    // ---- dsl-first ----

    @Test
    void dslFirstJoinsLteAsBackup() {
        PmHarness h = new PmHarness(policy(PathPolicy.DSL_FIRST));
        h.established(1, DSL, 40000);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 backup"), h.commands.take());
        h.subflowUp(1, LTE, 50000, true);
        h.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), h.commands.take());
    }

    @Test
    void dslFirstFailsOverToLteAndBack() {
        PmHarness h = new PmHarness(policy(PathPolicy.DSL_FIRST));
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, true);
        h.commands.take();

        h.pm.wanState("dsl", LinkState.DOWN);
        assertEquals(List.of("flag 1 203.0.113.7:50000 active", "destroy 1 198.51.100.2:40000"),
                h.commands.take());
        h.subflowDown(1, DSL, 40000, 0);
        h.advance(SECOND);

        h.pm.wanState("dsl", LinkState.UP);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take());
        h.advance(SECOND);
        assertEquals(List.of(), h.commands.take(), "LTE stays active until the DSL subflow is up");
        h.subflowUp(1, DSL, 40010, false);
        assertEquals(List.of("flag 1 203.0.113.7:50000 backup"), h.commands.take());
    }

    @Test
    void dslFirstMakesLteActiveWhenTheDslSubflowClosesOrDslDegrades() {
        PmHarness h = new PmHarness(policy(PathPolicy.DSL_FIRST));
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, true);
        h.commands.take();
        h.subflowDown(1, DSL, 40000, 110);
        assertEquals(List.of("flag 1 203.0.113.7:50000 active"), h.commands.take());
        h.advance(SECOND);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take(), "DSL rejoined after 1 s");
        h.subflowUp(1, DSL, 40001, false);
        assertEquals(List.of("flag 1 203.0.113.7:50000 backup"), h.commands.take());
        h.advance(SECOND);
        h.pm.wanState("dsl", LinkState.DEGRADED);
        assertEquals(List.of("flag 1 198.51.100.2:40001 backup", "flag 1 203.0.113.7:50000 active"),
                h.commands.take());
    }

    @Test
    void dslFirstWithTheInitialSubflowOnLteJoinsDslActiveThenSetsLteBackup() {
        PmHarness h = new PmHarness(policy(PathPolicy.DSL_FIRST));
        h.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take());
        h.subflowUp(1, DSL, 40000, false);
        assertEquals(List.of("flag 1 203.0.113.7:50000 backup"), h.commands.take());
    }

    // ---- latency-first ----

    @Test
    void latencyFirstKeepsAShortFlowOnTheRaceWinnerAndPromotesABulkOne() {
        PmHarness h = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        // LTE is the preferred (first) WAN in neither order here: the winner decides
        h.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 backup"), h.commands.take(),
                "the other WAN joins at once, as backup");
        h.subflowUp(1, DSL, 40000, true);
        h.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), h.commands.take(), "a short flow stays on the winner");
        h.pm.flowBulk(1);
        assertEquals(List.of("flag 1 198.51.100.2:40000 active"), h.commands.take());
        h.pm.flowBulk(1);
        h.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), h.commands.take(), "bulk once, bulk for good");
        assertTrue(h.pm.connection(1).bulk());
    }

    @Test
    void aJoinAskedAsBackupIsBackupWhateverFlagTheKernelsEventReports() {
        // the kernel's SUB_ESTABLISHED carries the peer's backup flag, 0 for our own backup join
        PmHarness h = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        h.established(1, DSL, 40000);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 backup"), h.commands.take());
        h.subflowUp(1, LTE, 50000, false);
        h.advance(Duration.ofSeconds(3));
        assertEquals(List.of(), h.commands.take(), "no MP_PRIO for a flag it already has");
        h.pm.flowBulk(1);
        assertEquals(List.of("flag 1 203.0.113.7:50000 active"), h.commands.take(), "the promotion is sent");
    }

    @Test
    void latencyFirstFailsAShortFlowOverAndKeepsConfiguredBackupWansBackupWhenBulk() {
        PmWan sat = new PmWan(2, new WanPath("sat", "sat0", PmHarness.ip("192.0.2.77"), null), true);
        PmHarness h = new PmHarness(Policies.create(new PathManagerSettings(PathManagerMode.USERSPACE,
                PathPolicy.LATENCY_FIRST), List.of(DSL, LTE, sat), MAY_20), List.of(DSL, LTE, sat));
        h.established(1, DSL, 40000);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 backup", "create 1 sat 192.0.2.77 id3 backup"),
                h.commands.take());
        h.subflowUp(1, LTE, 50000, true);
        h.subflowUp(1, sat, 60000, true);
        h.pm.wanState("dsl", LinkState.DEGRADED);
        assertEquals(List.of("flag 1 198.51.100.2:40000 backup", "flag 1 203.0.113.7:50000 active"),
                h.commands.take(), "the best other WAN takes over");
        h.advance(SECOND);
        h.pm.wanState("dsl", LinkState.UP);
        assertEquals(List.of("flag 1 198.51.100.2:40000 active", "flag 1 203.0.113.7:50000 backup"),
                h.commands.take(), "back on the winner when it is up again");
        h.advance(SECOND);
        h.pm.flowBulk(1);
        assertEquals(List.of("flag 1 203.0.113.7:50000 active"), h.commands.take(),
                "bulk: every WAN active except one configured as backup");
    }

    /** Base RTTs from the link monitor's probes: dsl and lte, milliseconds. */
    private static void baseRtts(PmHarness h, double dslMs, double lteMs) {
        h.pm.wanRtt("dsl", (long) (dslMs * 1e6));
        h.pm.wanRtt("lte", (long) (lteMs * 1e6));
    }

    @Test
    void latencyFirstMovesAShortFlowWhoseRaceTheSlowerWanWonToTheLowestBaseRtt() {
        PmHarness h = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        baseRtts(h, 20, 40);
        h.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take(),
                "the faster WAN joins active; the winner carries until it is up");
        h.subflowUp(1, DSL, 40000, false);
        assertEquals(List.of("flag 1 203.0.113.7:50000 backup"), h.commands.take(), "then the winner is backup");
        h.advance(Duration.ofSeconds(5));
        baseRtts(h, 20, 40);
        assertEquals(List.of(), h.commands.take(), "it stays there");
        h.pm.flowBulk(1);
        assertEquals(List.of("flag 1 203.0.113.7:50000 active"), h.commands.take(), "bulk uses both");
    }

    @Test
    void latencyFirstMovesAnEstablishedShortFlowWhenTheBaseRttsBecomeKnown() {
        // a warm-pool connection whose refill LTE won, made before the probes were answered
        PmHarness h = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        h.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 backup"), h.commands.take());
        h.subflowUp(1, DSL, 40000, false);
        h.advance(SECOND);
        assertEquals(List.of(), h.commands.take());
        baseRtts(h, 20, 40);
        assertEquals(List.of("flag 1 198.51.100.2:40000 active", "flag 1 203.0.113.7:50000 backup"),
                h.commands.take());
        assertEquals(0.02, h.registry.find("haap.gateway.pm.wan.base.rtt").tag("wan", "dsl").gauge().value(), 1e-9);
    }

    @Test
    void latencyFirstKeepsTheWinnerUnlessAnotherWansBaseRttIsClearlyLower() {
        PmHarness h = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        baseRtts(h, 20, 21.9); // less than a tenth lower
        h.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 backup"), h.commands.take());
        PmHarness fast = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        baseRtts(fast, 2.2, 3.1); // a third lower, but less than 1 ms
        fast.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 backup"), fast.commands.take());
        PmHarness unknown = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        unknown.pm.wanRtt("dsl", 20_000_000);
        unknown.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 backup"), unknown.commands.take(),
                "the winner's own base RTT unknown: nothing to compare");
    }

    @Test
    void latencyFirstNeverMovesAShortFlowToAWanConfiguredBackup() {
        PmWan sat = new PmWan(2, new WanPath("sat", "sat0", PmHarness.ip("192.0.2.77"), null), true);
        PmHarness h = new PmHarness(Policies.create(new PathManagerSettings(PathManagerMode.USERSPACE,
                PathPolicy.LATENCY_FIRST), List.of(DSL, LTE, sat), MAY_20), List.of(DSL, LTE, sat));
        h.pm.wanRtt("sat", 5_000_000);
        baseRtts(h, 30, 40);
        h.established(1, LTE, 50000);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active", "create 1 sat 192.0.2.77 id3 backup"),
                h.commands.take(), "dsl, not the configured backup sat");
    }

    @Test
    void latencyFirstIgnoresBulkForAnUnknownConnection() {
        PmHarness h = new PmHarness(policy(PathPolicy.LATENCY_FIRST));
        h.pm.flowBulk(7);
        assertEquals(List.of(), h.commands.take());
        assertEquals(0, h.pm.connections().size());
    }

    // ---- overflow ----

    @Test
    void overflowNeedsTheSaturationToLastForTheHold() {
        Overflow policy = overflowPolicy(OptionalLong.empty());
        PmHarness h = new PmHarness(policy);
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, true);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 backup"), h.commands.take());

        h.rates(9, 0);
        h.advance(SECOND);
        h.rates(5, 0); // a dip resets the hold
        h.advance(SECOND);
        h.rates(9, 0);
        h.advance(SECOND);
        h.rates(9, 0);
        assertFalse(policy.overflowing(), "1 s of saturation is less than the 2 s hold");
        assertEquals(List.of(), h.commands.take());
        h.advance(SECOND);
        h.rates(8, 0);
        assertTrue(policy.overflowing());
        assertEquals(List.of("flag 1 203.0.113.7:50000 active"), h.commands.take());
    }

    @Test
    void overflowReleasesWithHysteresis() {
        Overflow policy = overflowPolicy(OptionalLong.empty());
        PmHarness h = new PmHarness(policy);
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, true);
        for (int i = 0; i < 3; i++) {
            h.rates(9.5, 4);
            h.advance(SECOND);
        }
        assertTrue(policy.overflowing());
        h.commands.take();
        for (int i = 0; i < 5; i++) {
            h.rates(4, 2); // 6 Mbit/s together: below saturation, above release
            h.advance(SECOND);
        }
        assertTrue(policy.overflowing(), "between release and saturation nothing changes");
        h.rates(3, 1);
        h.advance(SECOND);
        h.rates(3, 1);
        h.advance(SECOND);
        assertTrue(policy.overflowing());
        h.rates(3, 1);
        assertFalse(policy.overflowing(), "4 Mbit/s < 5 for 2 s");
        assertEquals(List.of("flag 1 203.0.113.7:50000 backup"), h.commands.take());
        for (int i = 0; i < 5; i++) {
            h.rates(6, 0);
            h.advance(SECOND);
        }
        assertFalse(policy.overflowing(), "6 Mbit/s on DSL is not saturation");
    }

    @Test
    void overflowUsesLteAtOnceWhenDslDegrades() {
        Overflow policy = overflowPolicy(OptionalLong.empty());
        PmHarness h = new PmHarness(policy);
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, true);
        h.commands.take();
        h.pm.wanState("dsl", LinkState.DEGRADED);
        assertTrue(policy.overflowing());
        assertEquals(List.of("flag 1 198.51.100.2:40000 backup", "flag 1 203.0.113.7:50000 active"),
                h.commands.take());
    }

    @Test
    void overflowBeyondTheBudgetUsesLteOnlyWhenDslIsDown() {
        Overflow policy = overflowPolicy(OptionalLong.of(3_000_000)); // 3 MB
        PmHarness h = new PmHarness(policy);
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, true);
        h.commands.take();
        for (int i = 0; i < 3; i++) {
            h.rates(9, 8); // LTE: 1 MB/s
            h.advance(SECOND);
        }
        assertTrue(policy.overflowing());
        assertEquals(List.of("flag 1 203.0.113.7:50000 active"), h.commands.take(), "within budget: used");
        h.rates(9, 8);
        h.rates(9, 8);
        assertTrue(policy.usedBytes(LTE) >= 3_000_000, "" + policy.usedBytes(LTE));
        h.advance(SECOND);
        assertEquals(List.of("flag 1 203.0.113.7:50000 backup"), h.commands.take(), "budget spent: backup");
        h.pm.wanState("dsl", LinkState.DOWN);
        assertEquals(List.of("flag 1 203.0.113.7:50000 active", "destroy 1 198.51.100.2:40000"), h.commands.take(),
                "DSL down: LTE despite the budget");
    }

    @Test
    void overflowRequiresACapacity() {
        assertThrows(IllegalArgumentException.class, () -> policy(PathPolicy.OVERFLOW));
    }

    // ---- smart-backup ----

    @Test
    void smartBackupKeepsOneSubflowWhileItIsHealthy() {
        PmHarness h = new PmHarness(policy(PathPolicy.SMART_BACKUP));
        h.established(1, DSL, 40000);
        h.sample(1, DSL, 40000, Duration.ofMillis(900), 2);
        h.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), h.commands.take(), "RTO 900 ms and 2 timeouts are below the thresholds");
    }

    @Test
    void smartBackupSwitchesWhenTheRtoPassesTheThreshold() {
        SmartBackup policy = (SmartBackup) policy(PathPolicy.SMART_BACKUP);
        PmHarness h = new PmHarness(policy);
        h.established(1, DSL, 40000);
        h.sample(1, DSL, 40000, Duration.ofMillis(1000), 0);
        assertTrue(policy.abandoned(h.pm.connection(1), DSL));
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take());
        h.subflowUp(1, LTE, 50000, false);
        assertEquals(List.of("destroy 1 198.51.100.2:40000"), h.commands.take(), "the failing one is closed");
    }

    @Test
    void smartBackupSwitchesOnConsecutiveTimeoutsAndGoesBackWhenDslIsUpAgain() {
        SmartBackup policy = (SmartBackup) policy(PathPolicy.SMART_BACKUP);
        PmHarness h = new PmHarness(policy);
        h.established(1, DSL, 40000);
        h.sample(1, DSL, 40000, Duration.ofMillis(400), 3);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take());
        h.subflowUp(1, LTE, 50000, false);
        h.commands.take();
        h.subflowDown(1, DSL, 40000, 0);
        h.pm.wanState("dsl", LinkState.DOWN);
        h.advance(Duration.ofSeconds(60));
        assertEquals(List.of(), h.commands.take(), "DSL down: not retried");
        h.pm.wanState("dsl", LinkState.UP);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take());
        h.subflowUp(1, DSL, 40001, false);
        assertEquals(List.of("destroy 1 203.0.113.7:50000"), h.commands.take());
    }

    @Test
    void smartBackupRetriesAnAbandonedWanAfterTheRetryInterval() {
        SmartBackup policy = (SmartBackup) policy(PathPolicy.SMART_BACKUP);
        PmHarness h = new PmHarness(policy);
        h.established(1, DSL, 40000);
        h.sample(1, DSL, 40000, Duration.ofSeconds(2), 1);
        h.subflowUp(1, LTE, 50000, false);
        h.subflowDown(1, DSL, 40000, 0);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active", "destroy 1 198.51.100.2:40000"),
                h.commands.take());
        h.advance(Duration.ofSeconds(29));
        assertEquals(List.of(), h.commands.take());
        h.advance(Duration.ofSeconds(1));
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take());
    }
}
