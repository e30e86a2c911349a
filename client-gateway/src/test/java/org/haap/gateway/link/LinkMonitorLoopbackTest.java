package org.haap.gateway.link;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.ap.probe.ProbeMetrics;
import org.haap.ap.probe.ProbeResponder;
import org.haap.config.CidrSet;
import org.haap.config.CookiePolicy;
import org.haap.config.LinkMonitorSettings;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor with real sockets on loopback (a "WAN" on {@code lo}, bound to the device and
 * 127.0.0.1) against the AP's real responder: answered probes keep it up; the responder gone
 * is a silent blackhole (down); back → up; a link event takes it down at once; WanState and
 * the meters follow.
 */
class LinkMonitorLoopbackTest {

    private static final WanPath LO = new WanPath("lo", "lo", InetAddress.getLoopbackAddress(), null);
    private static final LinkMonitorSettings FAST = new LinkMonitorSettings(true, Optional.empty(),
            Duration.ofMillis(50), Duration.ofMillis(100), 3, 2, 10, 20, Duration.ofMillis(500),
            Duration.ofMillis(50), Duration.ofMillis(1));

    private final EventLoopGroup apGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProbeMetrics apMetrics = new ProbeMetrics(registry);
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();
    private ProbeResponder responder;
    private LinkMonitor monitor;

    @AfterEach
    void tearDown() {
        if (monitor != null) {
            monitor.close();
        }
        if (responder != null) {
            responder.close();
        }
        apGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ProbeResponder responder(int port) throws Exception {
        return ProbeResponder.start(List.of(new InetSocketAddress(LO.source(), port)), 1000,
                new CookiePolicy(true, List.of("c00kie")), CidrSet.of("127.0.0.0/8"), apGroup, apMetrics);
    }

    @Test
    void followsTheResponderAndLinkEvents() throws Exception {
        responder = responder(0);
        InetSocketAddress target = responder.localAddresses().get(0);
        WanState wanState = WanState.withDefaults(List.of(LO));
        LinkMetrics meters = new LinkMetrics(registry, List.of(LO));
        monitor = LinkMonitor.start(FAST, target, List.of(LO), "c00kie".getBytes(), LinkListener.all(List.of(
                new WanStateFeed(wanState), meters, new LinkListener() {
                    @Override
                    public void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
                        changes.add(to.label());
                    }

                    @Override
                    public void probeAnswered(WanPath path, long rttNanos) {
                        answered.incrementAndGet();
                    }
                })));
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() >= 5);
        assertEquals(LinkState.UP, monitor.state("lo"));
        assertEquals(List.of(), changes, "stays up while answered");
        // Closing the responder: a silent blackhole (degraded on the way is allowed: the loss shows first).
        assertTrue(apMetrics.answeredCount() >= 5);
        InetSocketAddress local = monitor.probeAddress("lo");
        assertEquals(LO.source(), local.getAddress(), "bound to the WAN's source address");
        assertEquals("lo", monitor.probeDevice("lo"), "bound to the WAN's device");

        responder.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state("lo") == LinkState.DOWN);
        assertTrue(!wanState.isUp(LO), "WanState told before state() shows it");
        assertEquals(1.0, registry.get("haap.gateway.wan.state").tags("wan", "lo", "state", "down").gauge().value());
        assertEquals(0.0, registry.get("haap.gateway.wan.state").tags("wan", "lo", "state", "up").gauge().value());
        assertTrue(registry.get("haap.gateway.wan.probes.lost").tags("wan", "lo").counter().count() >= 3);

        responder = responder(target.getPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state("lo") == LinkState.UP);
        assertTrue(wanState.isUp(LO));

        int mark = changes.size();
        monitor.linkEvent("lo", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() > mark);
        assertEquals("down", changes.get(mark), "a link event is down at once, whatever the probes say");
        monitor.linkEvent("lo", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state("lo") == LinkState.UP);
        assertEquals(List.of("down", "up"), changes.subList(mark, changes.size()));
        assertTrue(registry.get("haap.gateway.wan.probe.rtt").tags("wan", "lo").timer().count() >= 5);
    }

    /**
     * Two "WANs" on {@code lo} (sources 127.0.0.1 and 127.0.0.2) with their own intervals,
     * 50 ms and 500 ms, against the real responder: the answers counted per WAN follow the
     * intervals. The ratio is 10; at least 3 is asserted (counts, not times: the loop's
     * fixed-rate tasks catch up after a stall, so a loaded machine does not change it).
     */
    @Test
    void eachWanIsAnsweredAtItsOwnInterval() throws Exception {
        responder = responder(0);
        WanPath slowWan = new WanPath("slow", "lo", InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), null);
        Map<String, AtomicInteger> answers = Map.of("lo", new AtomicInteger(), "slow", new AtomicInteger());
        monitor = LinkMonitor.start(FAST, responder.localAddresses().get(0), List.of(LO, slowWan),
                Map.of("lo", Duration.ofMillis(50), "slow", Duration.ofMillis(500)), "c00kie".getBytes(),
                new LinkListener() {
                    @Override
                    public void probeAnswered(WanPath path, long rttNanos) {
                        answers.get(path.name()).incrementAndGet();
                    }
                });
        await().atMost(Duration.ofSeconds(20)).until(() -> answers.get("slow").get() >= 4);
        int slow = answers.get("slow").get();
        int fast = answers.get("lo").get();
        assertTrue(fast >= 3 * slow, () -> "answers every 50 ms: " + fast + ", every 500 ms: " + slow);
        assertEquals(Map.of("lo", LinkState.UP, "slow", LinkState.UP), monitor.states());
        assertEquals(slowWan.source(), monitor.probeAddress("slow").getAddress(), "bound to its own source");
    }

    @Test
    void probesWithAnotherCookieAreNotAnswered() throws Exception {
        responder = responder(0);
        monitor = LinkMonitor.start(FAST, responder.localAddresses().get(0), List.of(LO), "wrong".getBytes(),
                new LinkListener() { });
        await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state("lo") == LinkState.DOWN);
        assertEquals(0.0, apMetrics.answeredCount());
        assertTrue(apMetrics.rejectedCount(org.haap.ap.probe.ProbeAuthenticator.Rejection.AUTH) >= 3);
    }
}
