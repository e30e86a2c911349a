package org.haap.core.rtnl;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.core.rtnl.internal.RtnlMessages;
import org.haap.core.sys.NetlinkEventStats;
import org.haap.core.sys.NetlinkEventStats.Drop;
import org.haap.core.sys.NetlinkEventStream;
import org.haap.core.sys.NetlinkException;
import org.haap.core.sys.NetlinkFormatException;
import org.haap.core.sys.NetlinkMessage;
import org.haap.core.sys.NetlinkMessageException;
import org.haap.core.sys.NetlinkSocket;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Netlink receive loops against the kernel under faults, in a fresh namespace holding a veth
 * pair: datagrams from another process's socket (well-formed, truncated, garbage) are dropped
 * and counted, never decoded; a decoder or listener that throws reaches {@code onFailure} and
 * is counted; in every case the loop's thread lives on and the kernel's next events arrive.
 */
class NetlinkFaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SPOOFED_INDEX = 999;

    private final BlockingQueue<RtnlEvent> events = new LinkedBlockingQueue<>();
    private final List<NetlinkException> failures = new CopyOnWriteArrayList<>();
    private final NetlinkEventStats stats = new NetlinkEventStats();
    private Netns ns;
    private AutoCloseable subscription;
    private NetlinkSocket foreign;
    private int v0;

    @BeforeEach
    void setUp() {
        Prerequisites.requireNetns();
        ns = Netns.create("nlf");
        ns.ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        ns.ip("link", "set", "v0", "up");
        ns.ip("link", "set", "v1", "up");
        v0 = Integer.parseInt(ns.exec("cat", "/sys/class/net/v0/ifindex").trim());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (foreign != null) {
            foreign.close();
        }
        if (subscription != null) {
            subscription.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private final RtnlListener listener = new RtnlListener() {
        @Override
        public void onEvent(RtnlEvent event) {
            events.add(event);
        }

        @Override
        public void onFailure(NetlinkException cause) {
            failures.add(cause);
        }
    };

    @Test
    void datagramsFromAnotherSocketAreDroppedAndCountedWhileKernelEventsKeepFlowing() throws Exception {
        LinkMonitor monitor = ns.call(() -> LinkMonitor.open(stats));
        subscription = monitor;
        monitor.start(listener);
        foreign = ns.call(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));

        // a well-formed RTM_NEWLINK for a link that does not exist: decoded, it would be an event
        foreign.sendTo(link(SPOOFED_INDEX, NetlinkMessage.builder(RtnlMessages.RTM_NEWLINK, 0))
                .attrString(RtnlMessages.IFLA_IFNAME, "spoof0").build(), monitor.portId());
        // truncated: an IFLA_OPERSTATE of 0 bytes (an index error in the old accessors)
        foreign.sendTo(link(SPOOFED_INDEX, NetlinkMessage.builder(RtnlMessages.RTM_NEWLINK, 0))
                .attr(RtnlMessages.IFLA_OPERSTATE, new byte[0]).build(), monitor.portId());
        // garbage: nlmsg_len beyond the datagram
        foreign.sendTo(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                monitor.portId());
        await().atMost(WAIT).until(() -> stats.dropped(Drop.FOREIGN_SENDER) == 3);

        ns.ip("link", "set", "v0", "down");
        RtnlEvent.NewLink down = awaitLink(e -> e.link().index() == v0 && !e.link().up());
        assertEquals("v0", down.link().name(), "the loop lives on: the kernel's next event arrives");
        assertTrue(events.stream().noneMatch(e -> e instanceof RtnlEvent.NewLink n
                && n.link().index() == SPOOFED_INDEX), "the spoofed link never became an event");
        assertEquals(List.of(), failures, "other senders are counted, not failures");
        assertEquals(0, stats.dropped(Drop.MALFORMED), "nothing of theirs was even parsed");
        assertEquals(3, stats.dropped(Drop.FOREIGN_SENDER));
    }

    @Test
    void aDecoderOrListenerThatThrowsReachesOnFailureAndTheLoopGoesOn() throws Exception {
        NetlinkSocket socket = ns.call(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));
        socket.joinGroup(RtnlMessages.RTNLGRP_LINK);
        AtomicInteger decoded = new AtomicInteger();
        NetlinkEventStream<RtnlEvent> stream = new NetlinkEventStream<>("haap-test-faults", socket, (m, out) -> {
            switch (decoded.getAndIncrement()) {
                case 0 -> throw new IndexOutOfBoundsException("what a short attribute used to raise");
                case 1 -> throw new NetlinkFormatException("attribute 16: 0 bytes (expected: 1)");
                default -> RtnlMessages.decode(m).ifPresent(out);
            }
        }, List.of(), stats);
        subscription = stream;
        AtomicInteger delivered = new AtomicInteger();
        stream.start(new RtnlListener() {
            @Override
            public void onEvent(RtnlEvent event) {
                if (delivered.getAndIncrement() == 0) {
                    throw new IllegalStateException("a listener bug");
                }
                listener.onEvent(event);
            }

            @Override
            public void onFailure(NetlinkException cause) {
                listener.onFailure(cause);
            }
        });

        // each flip of v0 yields RTM_NEWLINKs for v0 and its peer: flip until the two decoder
        // faults, the listener's and one good delivery have happened
        boolean up = true;
        for (int flip = 0; flip < 10 && delivered.get() < 2; flip++) {
            int before = decoded.get();
            up = !up;
            ns.ip("link", "set", "v0", up ? "up" : "down");
            await().atMost(WAIT).until(() -> decoded.get() > before);
        }
        await().atMost(WAIT).until(() -> delivered.get() >= 2);
        assertEquals(3, failures.size(), failures::toString);
        for (NetlinkException f : failures) {
            assertInstanceOf(NetlinkMessageException.class, f, "a per-message failure, the loop goes on");
        }
        assertInstanceOf(IndexOutOfBoundsException.class, failures.get(0).getCause());
        assertInstanceOf(NetlinkFormatException.class, failures.get(1).getCause());
        assertInstanceOf(IllegalStateException.class, failures.get(2).getCause());
        assertEquals(1, stats.dropped(Drop.MALFORMED));
        assertEquals(2, stats.dropped(Drop.FAILED), "the decoder's index error and the listener's bug");

        ns.ip("link", "add", "v8", "type", "veth", "peer", "name", "v9");
        assertEquals("v8", awaitLink(e -> e.link().name().equals("v8")).link().name(),
                "events keep flowing after every fault");
        assertEquals(3, failures.size());
        assertEquals(0, stats.errors(), "the loop never stopped");
    }

    private static NetlinkMessage.Builder link(int index, NetlinkMessage.Builder b) {
        return b.putU8(0).putU8(0).putU16(1).putU32(index).putU32(0).putU32(0);
    }

    private RtnlEvent.NewLink awaitLink(java.util.function.Predicate<RtnlEvent.NewLink> match) {
        return await().atMost(WAIT).until(() -> events.stream()
                .filter(e -> e instanceof RtnlEvent.NewLink n && match.test(n)).map(e -> (RtnlEvent.NewLink) e)
                .findFirst().orElse(null), e -> e != null);
    }
}
