package org.haap.gateway.pm;

import org.haap.gateway.link.LinkState;
import static org.haap.gateway.pm.PmHarness.AP;
import static org.haap.gateway.pm.PmHarness.DSL;
import static org.haap.gateway.pm.PmHarness.LTE;
import static org.haap.gateway.pm.PmHarness.on;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haap.config.PathManagerMode;
import org.haap.config.PathManagerSettings;
import org.haap.config.PathPolicy;
import org.haap.gateway.pm.internal.ManagedConnection;
import org.haap.gateway.pm.internal.PmMeters.Command;
import org.haap.gateway.pm.internal.PmMeters.Result;
import org.haap.gateway.pm.policy.Policies;
import org.junit.jupiter.api.Test;

class UserspacePathManagerTest {

    private static final Duration HALF = Duration.ofMillis(500);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static PathManagerPolicy fullmesh() {
        return Policies.create(new PathManagerSettings(PathManagerMode.USERSPACE, PathPolicy.FULLMESH),
                PmHarness.WANS, Clock.systemUTC());
    }

    /** A policy that wants what the test says, and records the callbacks it got. */
    private static final class Scripted implements PathManagerPolicy {
        final List<String> calls = new ArrayList<>();
        PmWan joined;
        boolean backup;
        PmWan closed;

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public void update(PmConnection c) {
            if (joined != null) {
                c.join(joined, backup);
            }
            if (closed != null) {
                c.close(closed);
            }
        }

        @Override
        public void connectionEstablished(PmConnection c) {
            calls.add("established " + c.token() + ' ' + c.subflows().get(0).wan());
        }

        @Override
        public void subflowEstablished(PmConnection c, PmSubflow s) {
            calls.add("sub " + s.wan() + (s.backup() ? " backup" : ""));
        }

        @Override
        public void subflowClosed(PmConnection c, PmSubflow s, int errno) {
            calls.add("sub closed " + s.wan() + ' ' + errno);
        }

        @Override
        public void connectionClosed(PmConnection c) {
            calls.add("closed " + c.token());
        }
    }

    @Test
    void fullmeshJoinsEveryLiveWanOnceTheConnectionIsEstablished() {
        PmHarness h = new PmHarness(fullmesh());
        h.pm.connectionCreated(7, on(DSL, 40000), AP);
        assertEquals(List.of(), h.commands.take(), "nothing before ESTABLISHED");
        h.pm.connectionEstablished(7, on(DSL, 40000), AP);
        assertEquals(List.of("create 7 lte 203.0.113.7 id2 active"), h.commands.take());
        h.advance(HALF);
        assertEquals(List.of(), h.commands.take(), "a pending join is not repeated");
        h.subflowUp(7, LTE, 50000, false);
        h.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), h.commands.take(), "every WAN has its subflow");
    }

    @Test
    void subflowsBelongToTheWanOwningTheirLocalAddress() {
        Scripted policy = new Scripted();
        PmHarness h = new PmHarness(policy);
        h.established(9, LTE, 40000);
        h.subflowUp(9, DSL, 40001, true);
        PmConnection c = h.pm.connection(9);
        assertEquals(LTE, c.subflow(LTE).wan());
        assertEquals(on(DSL, 40001), c.subflow(DSL).local());
        assertTrue(c.subflow(DSL).backup());
        assertEquals(List.of("established 9 lte", "sub dsl backup"), policy.calls);
        h.pm.subflowEstablished(9, new java.net.InetSocketAddress(PmHarness.ip("10.9.9.9"), 1), AP, false);
        assertEquals(3, c.subflows().size());
        assertNull(c.subflows().get(2).wan(), "an address of no WAN belongs to no WAN");
    }

    @Test
    void aConnectionOnNoWanIsIgnoredWithAllItsEvents() {
        Scripted policy = new Scripted();
        policy.joined = LTE;
        PmHarness h = new PmHarness(policy);
        java.net.InetSocketAddress other = new java.net.InetSocketAddress(PmHarness.ip("10.0.0.5"), 40000);
        h.pm.connectionCreated(3, other, AP);
        h.pm.connectionEstablished(3, other, AP);
        h.subflowUp(3, DSL, 40001, false);
        h.advance(SECOND);
        assertEquals(List.of(), h.commands.take());
        assertEquals(List.of(), policy.calls);
        assertNull(h.pm.connection(3));
        assertEquals(1, h.counter("haap.gateway.pm.ignored.connections"));
        h.pm.connectionClosed(3);
        h.pm.connectionEstablished(3, on(DSL, 40002), AP);
        assertEquals(List.of("established 3 dsl"), policy.calls, "a token is reused after CLOSED");
    }

    @Test
    void aFailingCommandIsCountedAndRetriedWithinTheRateBound() {
        PmHarness h = new PmHarness(fullmesh());
        h.commands.failing = true;
        h.established(1, DSL, 40000);
        assertEquals(1, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "failed"));
        h.advance(HALF);
        assertEquals(1, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "failed"),
                "not again within a second");
        h.advance(HALF);
        assertEquals(2, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "failed"));
        h.advance(SECOND);
        assertEquals(2, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "failed"),
                "backing off: 2 s after the second failure");
        h.commands.failing = false;
        h.advance(SECOND);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take());
        assertEquals(1.0, h.pm.commandCounts(LTE, Result.OK).get(Command.CREATE));
    }

    @Test
    void aSubflowRefusedBeforeTheConnectionIsFullyEstablishedIsAskedAgainWithinMilliseconds() {
        PmHarness h = new PmHarness(fullmesh());
        h.commands.notReady = 2;
        h.established(1, DSL, 40000);
        assertEquals(List.of(), h.commands.take(), "refused: ENOTCONN");
        h.advance(Duration.ofMillis(10));
        assertEquals(List.of(), h.commands.take(), "not before the quick retry is due");
        h.advance(Duration.ofMillis(10));
        assertEquals(List.of(), h.commands.take(), "refused again");
        h.advance(Duration.ofMillis(20));
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take(), "20 ms later, not 1 s");
        assertEquals(2, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "failed"));
    }

    @Test
    void quickRetriesEndInTheUsualBackOff() {
        PmHarness h = new PmHarness(fullmesh());
        h.commands.notReady = 100;
        h.established(1, DSL, 40000);
        for (int i = 0; i < 10; i++) {
            h.advance(Duration.ofMillis(20));
        }
        assertEquals(1 + ManagedConnection.NOT_READY_RETRIES,
                h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "failed"),
                "a connection that stays unready (closing) is not asked every 20 ms");
    }

    @Test
    void aConnectionTheKernelNoLongerKnowsIsDroppedNotRetried() {
        Scripted policy = new Scripted();
        policy.joined = LTE;
        PmHarness h = new PmHarness(policy);
        h.commands.closedInKernel.add(7L);
        h.established(7, DSL, 40000);
        assertEquals(List.of(), h.commands.take());
        assertEquals(1, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "gone"));
        assertEquals(0, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "failed"),
                "a connection that closed meanwhile (a reset RobE loser) is not a failed command");
        assertNull(h.pm.connection(7), "dropped from the table");
        assertEquals("closed 7", policy.calls.get(policy.calls.size() - 1), "the policy hears it closed");
        h.advance(Duration.ofSeconds(5));
        assertEquals(1, h.counter("haap.gateway.pm.commands", "command", "create", "wan", "lte", "result", "gone"),
                "no retry");
        h.pm.connectionClosed(7);
        assertEquals("closed 7", policy.calls.get(policy.calls.size() - 1));
        assertEquals(1, policy.calls.stream().filter("closed 7"::equals).count(), "its CLOSED event changes nothing");

        h.established(8, DSL, 40001);
        assertEquals(List.of("create 8 lte 203.0.113.7 id2 active"), h.commands.take(), "other connections go on");
    }

    @Test
    void aSubflowThatKeepsClosingIsRecreatedAtMostOncePerSecond() {
        PmHarness h = new PmHarness(fullmesh());
        h.established(1, DSL, 40000);
        int creates = h.commands.take().size();
        for (int i = 0; i < 40; i++) {
            h.subflowUp(1, LTE, 50000 + i, false);
            h.subflowDown(1, LTE, 50000 + i, 104);
            creates += h.commands.take().size();
            h.advance(Duration.ofMillis(250));
        }
        assertTrue(creates <= 11, "10 s of flapping: at most one create per second, backing off: " + creates);
        assertTrue(creates >= 3, "but it keeps trying: " + creates);
    }

    @Test
    void aDownWanIsClosedAndJoinedAgainAtOnceWhenItComesBack() {
        PmHarness h = new PmHarness(fullmesh());
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, false);
        h.commands.take();
        h.pm.wanState("dsl", LinkState.DOWN);
        assertEquals(List.of("destroy 1 198.51.100.2:40000"), h.commands.take());
        h.subflowDown(1, DSL, 40000, 0);
        h.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), h.commands.take(), "no subflow on a down WAN");
        h.pm.wanState("dsl", LinkState.UP);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take(),
                "rejoined at once, well within 2 s");
    }

    @Test
    void theLastSubflowIsNeverDestroyed() {
        PmHarness h = new PmHarness(fullmesh());
        h.established(1, DSL, 40000);
        h.commands.take();
        h.pm.wanState("lte", LinkState.DOWN);
        h.pm.wanState("dsl", LinkState.DOWN);
        h.advance(Duration.ofSeconds(3));
        assertEquals(List.of(), h.commands.take(), "the only subflow stays");
        h.pm.wanState("lte", LinkState.UP);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take());
        h.subflowUp(1, LTE, 50000, false);
        assertEquals(List.of("destroy 1 198.51.100.2:40000"), h.commands.take(), "make before break");
    }

    @Test
    void flagsAreSetOnceAndClosedConnectionsForgotten() {
        Scripted policy = new Scripted();
        PmHarness h = new PmHarness(policy);
        h.established(5, DSL, 40000);
        policy.joined = DSL;
        policy.backup = true;
        h.advance(Duration.ofMillis(250));
        assertEquals(List.of("flag 5 198.51.100.2:40000 backup"), h.commands.take());
        h.advance(Duration.ofSeconds(3));
        assertEquals(List.of(), h.commands.take());
        h.pm.connectionClosed(5);
        assertNull(h.pm.connection(5));
        assertEquals("closed 5", policy.calls.get(policy.calls.size() - 1));
        h.pm.subflowEstablished(5, on(LTE, 1), AP, false);
        h.advance(SECOND);
        assertEquals(List.of(), h.commands.take());
    }

    @Test
    void aJoinNeverReportedIsAskedAgainAfterTheJoinTimeout() {
        PmHarness h = new PmHarness(fullmesh());
        h.established(1, DSL, 40000);
        assertEquals(1, h.commands.take().size());
        h.advance(Duration.ofSeconds(4));
        assertEquals(List.of(), h.commands.take());
        h.advance(Duration.ofSeconds(1));
        h.advance(Duration.ofSeconds(1));
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take());
    }

    @Test
    void aMissedSubClosedIsHealedBySamples() {
        PmHarness h = new PmHarness(fullmesh());
        h.established(1, DSL, 40000);
        h.subflowUp(1, LTE, 50000, false);
        h.commands.take();
        h.advance(Duration.ofSeconds(3));
        h.healthy(1, DSL, 40000);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take());
    }

    @Test
    void theStartedEngineRunsOnItsOwnThreadAndTicks() throws Exception {
        FakeCommands commands = new FakeCommands();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        PmCommands recording = new PmCommands() {
            @Override
            public void createSubflow(long token, PmWan wan, java.net.InetAddress local, java.net.InetSocketAddress remote,
                    boolean backup) throws java.io.IOException {
                seen.add(Thread.currentThread().getName());
                commands.createSubflow(token, wan, local, remote, backup);
            }

            @Override
            public void destroySubflow(long token, java.net.InetSocketAddress local, java.net.InetSocketAddress remote) {
            }

            @Override
            public void setBackup(long token, java.net.InetSocketAddress local, java.net.InetSocketAddress remote,
                    boolean backup) {
            }
        };
        try (UserspacePathManager pm = UserspacePathManager.start(PmHarness.WANS, fullmesh(), recording,
                new SimpleMeterRegistry())) {
            pm.connectionEstablished(1, on(DSL, 40000), AP);
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> seen.size() >= 1);
            pm.subflowClosed(1, on(LTE, 1), AP, 104);
            // the join is retried by the tick after the join timeout, on the engine's thread
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> seen.size() >= 2);
            assertTrue(seen.stream().allMatch(n -> n.startsWith("haap-pm")), seen.toString());
        }
    }
}
