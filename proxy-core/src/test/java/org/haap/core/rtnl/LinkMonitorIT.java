package org.haap.core.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LinkMonitor} against the kernel in a fresh namespace holding a veth pair: the dump
 * at start, then link down/up and address add/delete as decoded events.
 */
class LinkMonitorIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private Netns ns;
    private LinkMonitor monitor;
    private int v0;

    @BeforeEach
    void setUp() {
        Prerequisites.requireNetns();
        ns = Netns.create("nlr");
        ns.ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        ns.ip("addr", "add", "10.7.0.1/24", "dev", "v0");
        ns.ip("link", "set", "v0", "up");
        ns.ip("link", "set", "v1", "up");
        v0 = Integer.parseInt(ns.exec("cat", "/sys/class/net/v0/ifindex").trim());
    }

    @AfterEach
    void tearDown() {
        if (monitor != null) {
            monitor.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void dumpShowsCurrentLinksAndAddresses() throws Exception {
        monitor = ns.call(LinkMonitor::open);
        Link link = monitor.initialLinks().stream().filter(l -> l.index() == v0).findFirst().orElseThrow();
        assertEquals("v0", link.name());
        assertTrue(link.up() && link.running() && link.lowerUp(), link.toString());
        assertEquals(OperState.UP, link.operState());
        Link lo = monitor.initialLinks().stream().filter(l -> l.name().equals("lo")).findFirst().orElseThrow();
        assertTrue((lo.flags() & Link.IFF_LOOPBACK) != 0);
        assertEquals(3, monitor.initialLinks().size(), "lo, v0, v1: " + monitor.initialLinks());
        assertTrue(monitor.initialAddresses().contains(
                new LinkAddress(v0, ip("10.7.0.1"), 24, 0, 0x80)), monitor.initialAddresses().toString());
        assertTrue(monitor.initialAddresses().stream()
                .anyMatch(a -> a.address().equals(ip("127.0.0.1")) && a.prefixLength() == 8));
    }

    @Test
    void linkDownAndUpAndAddressChangesArriveAsEvents() throws Exception {
        BlockingQueue<RtnlEvent> events = new LinkedBlockingQueue<>();
        monitor = ns.call(LinkMonitor::open);
        monitor.start(events::add);

        ns.ip("link", "set", "v0", "down");
        Link down = await(events, RtnlEvent.NewLink.class, e -> e.link().index() == v0 && !e.link().up()).link();
        assertEquals("v0", down.name());
        assertFalse(down.running());
        assertEquals(OperState.DOWN, down.operState());
        // Administrative down also removes the carrier seen by the peer.
        await(events, RtnlEvent.NewLink.class, e -> e.link().name().equals("v1") && !e.link().lowerUp());

        ns.ip("link", "set", "v0", "up");
        Link up = await(events, RtnlEvent.NewLink.class,
                e -> e.link().index() == v0 && e.link().running() && e.link().lowerUp()).link();
        assertTrue(up.up());
        assertEquals(OperState.UP, up.operState());

        ns.ip("addr", "add", "10.8.0.1/16", "dev", "v0");
        LinkAddress added = await(events, RtnlEvent.NewAddress.class,
                e -> e.address().address().equals(ip("10.8.0.1"))).address();
        assertEquals(new LinkAddress(v0, ip("10.8.0.1"), 16, 0, 0x80), added);
        ns.ip("addr", "add", "fd00:7::1/64", "dev", "v0", "nodad");
        LinkAddress v6 = await(events, RtnlEvent.NewAddress.class,
                e -> e.address().address().equals(ip("fd00:7::1"))).address();
        assertEquals(64, v6.prefixLength());
        assertEquals(v0, v6.ifIndex());

        ns.ip("addr", "del", "10.8.0.1/16", "dev", "v0");
        assertEquals(added, await(events, RtnlEvent.DelAddress.class,
                e -> e.address().address().equals(ip("10.8.0.1"))).address());

        ns.ip("link", "del", "v0");
        assertEquals("v0", await(events, RtnlEvent.DelLink.class, e -> e.link().index() == v0).link().name());
    }

    @Test
    void pollDeliversEventsAfterTheDump() throws Exception {
        monitor = ns.call(LinkMonitor::open);
        ns.ip("link", "set", "v1", "down");
        List<RtnlEvent> seen = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
            seen.addAll(monitor.poll(Duration.ofMillis(200)));
            return seen.stream().anyMatch(e -> e instanceof RtnlEvent.NewLink n
                    && n.link().name().equals("v1") && !n.link().up());
        });
        monitor.close();
        monitor.close();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static <T extends RtnlEvent> T await(BlockingQueue<RtnlEvent> queue, Class<T> type, Predicate<T> match)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<RtnlEvent> seen = new ArrayList<>();
        while (true) {
            RtnlEvent e = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "no matching " + type.getSimpleName() + "; saw " + seen);
            seen.add(e);
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
        }
    }
}
