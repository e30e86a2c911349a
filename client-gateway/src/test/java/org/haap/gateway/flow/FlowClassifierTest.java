package org.haap.gateway.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.haap.config.PathManagerSettings.Bulk;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.mptcp.TcpInfo;
import org.haap.core.relay.Direction;
import org.haap.core.relay.RelayListener;
import org.haap.gateway.accounting.WanUsage;
import org.junit.jupiter.api.Test;

/** Flow classes from a relay's bytes, with a fake clock and a fake kernel. */
class FlowClassifierTest {

    private static final long MS = 1_000_000L;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private long now = 1_000 * MS;
    private int carrying;
    private OptionalLong token = OptionalLong.of(0xabcdL);
    private final FlowClassifier.Probe probe = new FlowClassifier.Probe() {
        @Override
        public OptionalLong token(Channel upstream) {
            return token;
        }

        @Override
        public int carryingData(Channel upstream) {
            return carrying;
        }
    };
    private final FlowClassifier classifier = new FlowClassifier(registry, List.of("dsl", "lte"), () -> now, probe);
    private final List<Long> bulkTokens = new ArrayList<>();
    private final long[] delegated = new long[2];
    private final RelayListener delegate = new RelayListener() {
        @Override
        public void onBytes(Direction dir, long n) {
            delegated[dir.ordinal()] += n;
        }
    };
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final WanUsage usage = new WanUsage();

    FlowClassifierTest() {
        classifier.thresholds(new Bulk(256 * 1024, Duration.ofMillis(300), 0.8));
        classifier.onBulk(bulkTokens::add);
    }

    private double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aFlowBecomesBulkWhenItsBytesPassTheThresholdAndEveryByteIsPassedOn() {
        FlowClassifier.Flow flow = classifier.watch(upstream, usage, delegate);
        flow.onBytes(Direction.DOWNSTREAM, 200 * 1024);
        flow.onBytes(Direction.UPSTREAM, 50 * 1024);
        assertFalse(flow.bulk());
        assertEquals(List.of(), bulkTokens);
        flow.onBytes(Direction.DOWNSTREAM, 6 * 1024);
        assertTrue(flow.bulk(), "256 KiB in both directions together");
        assertEquals(List.of(0xabcdL), bulkTokens);
        flow.onBytes(Direction.DOWNSTREAM, 1024 * 1024);
        assertEquals(List.of(0xabcdL), bulkTokens, "told once");
        assertEquals(1, counter("haap.gateway.flow.promotions", "reason", "bytes"));
        assertEquals(0, counter("haap.gateway.flow.promotions", "reason", "busy"));
        assertEquals(200 * 1024 + 6 * 1024 + 1024 * 1024, delegated[Direction.DOWNSTREAM.ordinal()]);
        assertEquals(50 * 1024, delegated[Direction.UPSTREAM.ordinal()]);
    }

    @Test
    void aFlowMovingBytesWithoutAPauseForBusyBecomesBulkAndAPauseStartsOver() {
        FlowClassifier.Flow flow = classifier.watch(upstream, usage, delegate);
        for (int i = 0; i < 25; i++) { // 240 ms of reads 10 ms apart
            now += 10 * MS;
            flow.onBytes(Direction.DOWNSTREAM, 1000);
        }
        now += 60 * MS; // a pause of 50 ms or more: a new busy stretch
        flow.onBytes(Direction.DOWNSTREAM, 1000);
        for (int i = 0; i < 29; i++) {
            now += 10 * MS;
            flow.onBytes(Direction.DOWNSTREAM, 1000);
        }
        assertFalse(flow.bulk(), "290 ms since the pause");
        now += 10 * MS;
        flow.onBytes(Direction.DOWNSTREAM, 1000);
        assertTrue(flow.bulk());
        assertEquals(1, counter("haap.gateway.flow.promotions", "reason", "busy"));
    }

    @Test
    void aShortFlowIsNeverBulkAndItsBytesAreCountedAsShortPerWan() {
        FlowClassifier.Flow flow = classifier.watch(upstream, usage, delegate);
        now += 10 * MS;
        flow.onBytes(Direction.DOWNSTREAM, 30_000);
        usage.add("dsl", 300, 30_000);
        usage.add("sat", 0, 7);
        flow.ended();
        assertEquals(1, counter("haap.gateway.flows", "class", "short"));
        assertEquals(0, counter("haap.gateway.flows", "class", "bulk"));
        assertEquals(30_000, counter("haap.gateway.flow.bytes", "class", "short", "wan", "dsl", "direction", "downstream"));
        assertEquals(300, counter("haap.gateway.flow.bytes", "class", "short", "wan", "dsl", "direction", "upstream"));
        assertEquals(7, counter("haap.gateway.flow.bytes", "class", "short", "wan", "other", "direction", "downstream"),
                "a WAN the configuration does not name counts as other");
        assertEquals(0, counter("haap.gateway.flow.bytes", "class", "bulk", "wan", "dsl", "direction", "downstream"));
    }

    @Test
    void aBulkFlowIsTimedToItsSecondPathCarryingData() {
        FlowClassifier.Flow flow = classifier.watch(upstream, usage, delegate);
        now += 40 * MS;
        carrying = 1;
        flow.onBytes(Direction.DOWNSTREAM, 300 * 1024);
        assertTrue(flow.bulk());
        now += 25 * MS;
        carrying = 2;
        upstream.advanceTimeBy(FlowClassifier.POLL_MILLIS, TimeUnit.MILLISECONDS);
        upstream.runPendingTasks();
        var timer = registry.find("haap.gateway.flow.second.path").timer();
        assertEquals(1, timer.count());
        assertEquals(65.0, timer.totalTime(TimeUnit.MILLISECONDS), 0.001, "from the relay's start");
        usage.add("dsl", 0, 200_000);
        usage.add("lte", 0, 107_200);
        flow.ended();
        assertEquals(1, counter("haap.gateway.flows", "class", "bulk"));
        assertEquals(107_200, counter("haap.gateway.flow.bytes", "class", "bulk", "wan", "lte", "direction", "downstream"));
    }

    @Test
    void aBulkFlowWhoseSecondPathNeverCarriesIsCountedAsMissed() {
        FlowClassifier.Flow flow = classifier.watch(upstream, usage, delegate);
        carrying = 1;
        flow.onBytes(Direction.DOWNSTREAM, 300 * 1024);
        for (int i = 0; i < FlowClassifier.POLL_LIMIT_MILLIS / FlowClassifier.POLL_MILLIS + 2; i++) {
            now += FlowClassifier.POLL_MILLIS * MS;
            upstream.advanceTimeBy(FlowClassifier.POLL_MILLIS, TimeUnit.MILLISECONDS);
            upstream.runPendingTasks();
        }
        assertEquals(1, counter("haap.gateway.flow.second.path.missed"));
        assertEquals(0, registry.find("haap.gateway.flow.second.path").timer().count());
    }

    @Test
    void aFlowThatFellBackToTcpIsBulkButNotHandedToThePathManager() {
        token = OptionalLong.empty();
        FlowClassifier.Flow flow = classifier.watch(upstream, usage, delegate);
        flow.onBytes(Direction.DOWNSTREAM, 300 * 1024);
        assertTrue(flow.bulk());
        assertEquals(List.of(), bulkTokens);
    }

    @Test
    void dataCarryingSubflowsIgnoreTheHandshakesByte() {
        InetSocketAddress a = new InetSocketAddress("198.51.100.2", 40000);
        InetSocketAddress ap = new InetSocketAddress("192.0.2.10", 5124);
        assertEquals(0, FlowClassifier.carryingData(List.of(new SubflowInfo(1, a, ap, new TcpInfo(0, 10, 0, 1, 0, 0, 0, 0)))));
        assertEquals(2, FlowClassifier.carryingData(List.of(
                new SubflowInfo(1, a, ap, new TcpInfo(0, 10, 0, 2, 0, 0, 0, 0)),
                new SubflowInfo(2, a, ap, new TcpInfo(0, 10, 0, 1, 5, 0, 0, 0)))));
    }
}
