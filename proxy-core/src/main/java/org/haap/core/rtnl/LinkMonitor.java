package org.haap.core.rtnl;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.haap.core.rtnl.internal.RtnlMessages;
import org.haap.core.sys.NetlinkEventStats;
import org.haap.core.sys.NetlinkEventStream;
import org.haap.core.sys.NetlinkException;
import org.haap.core.sys.NetlinkMessage;
import org.haap.core.sys.NetlinkSocket;

/**
 * Watches the links and addresses of the network namespace of the thread that calls
 * {@link #open()}: subscribes to {@code RTNLGRP_LINK}, {@code RTNLGRP_IPV4_IFADDR} and
 * {@code RTNLGRP_IPV6_IFADDR}, then dumps the current links and addresses
 * ({@link #initialLinks()}, {@link #initialAddresses()}). Notifications that arrive while the
 * dump is read are kept and delivered first, so nothing between the dump and the events is
 * missed (an event may repeat what the dump already showed). Events are pollable
 * ({@link #poll}) or pushed to an {@link RtnlListener} from the monitor's own thread
 * ({@link #start}). Needs no privilege.
 */
public final class LinkMonitor implements Closeable {

    private static final Duration DUMP_TIMEOUT = Duration.ofSeconds(5);
    private static final int RECEIVE_BUFFER = 1024 * 1024;
    private static final int DUMP_ATTEMPTS = 5;

    private final List<Link> links;
    private final List<LinkAddress> addresses;
    private final NetlinkEventStream<RtnlEvent> stream;

    private LinkMonitor(List<Link> links, List<LinkAddress> addresses, NetlinkEventStream<RtnlEvent> stream) {
        this.links = links;
        this.addresses = addresses;
        this.stream = stream;
    }

    /**
     * Subscribes and dumps, in the calling thread's network namespace.
     *
     * @throws NetlinkException if the socket cannot be opened or the dump fails
     */
    public static LinkMonitor open() throws NetlinkException {
        return open(new NetlinkEventStats());
    }

    /** As {@link #open()}, counting what the monitor drops or loses into {@code stats}. */
    public static LinkMonitor open(NetlinkEventStats stats) throws NetlinkException {
        NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE);
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            socket.joinGroup(RtnlMessages.RTNLGRP_LINK);
            socket.joinGroup(RtnlMessages.RTNLGRP_IPV4_IFADDR);
            socket.joinGroup(RtnlMessages.RTNLGRP_IPV6_IFADDR);
            List<RtnlEvent> early = new ArrayList<>();
            List<Link> links = new ArrayList<>();
            for (NetlinkMessage m : dump(socket, true, early, stats)) {
                links.add(RtnlMessages.link(m));
            }
            List<LinkAddress> addresses = new ArrayList<>();
            for (NetlinkMessage m : dump(socket, false, early, stats)) {
                addresses.add(RtnlMessages.address(m));
            }
            NetlinkEventStream<RtnlEvent> stream = new NetlinkEventStream<>("haap-rtnl-monitor", socket,
                    (m, out) -> RtnlMessages.decode(m).ifPresent(out), early, stats);
            return new LinkMonitor(List.copyOf(links), List.copyOf(addresses), stream);
        } catch (NetlinkException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The links at start, from the dump. */
    public List<Link> initialLinks() {
        return links;
    }

    /** The addresses at start, from the dump. */
    public List<LinkAddress> initialAddresses() {
        return addresses;
    }

    /**
     * Waits up to {@code timeout} for events and returns those available (empty on timeout).
     * Not for use after {@link #start}.
     *
     * @throws NetlinkException on a socket error; errno ENOBUFS (105) means events were lost
     */
    public List<RtnlEvent> poll(Duration timeout) throws NetlinkException {
        return stream.poll(timeout);
    }

    /** Delivers every event to {@code listener} from a new daemon thread until {@link #close()}. */
    public void start(RtnlListener listener) {
        stream.start(listener);
    }

    /** Messages skipped so far (other message types, malformed messages, other senders). */
    public long skipped() {
        return stream.skipped();
    }

    /** What the monitor dropped or lost, by reason. */
    public NetlinkEventStats stats() {
        return stream.stats();
    }

    /** The port id of the subscribed socket (where the kernel sends the notifications). */
    public int portId() {
        return stream.portId();
    }

    /** Stops the receive loop and closes the socket. Idempotent. */
    @Override
    public void close() {
        stream.close();
    }

    /**
     * Runs one dump and returns its messages (copied); notifications received meanwhile go to
     * {@code early}. Repeats the dump when the kernel flags it as interrupted.
     */
    private static List<NetlinkMessage> dump(NetlinkSocket socket, boolean links, List<RtnlEvent> early,
            NetlinkEventStats stats) throws NetlinkException {
        ByteBuffer rx = ByteBuffer.allocate(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int attempt = 1; ; attempt++) {
            int seq = socket.nextSequence();
            socket.send(links ? RtnlMessages.dumpLinks(seq) : RtnlMessages.dumpAddresses(seq));
            List<NetlinkMessage> replies = new ArrayList<>();
            boolean interrupted = false;
            long deadline = System.nanoTime() + DUMP_TIMEOUT.toNanos();
            boolean done = false;
            while (!done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NetlinkException((links ? "RTM_GETLINK" : "RTM_GETADDR") + " dump: no end within "
                            + DUMP_TIMEOUT.toSeconds() + " s", 110);
                }
                if (socket.receive(rx, Duration.ofNanos(left)) == 0) {
                    continue;
                }
                for (NetlinkMessage m : NetlinkMessage.parseAll(rx)) {
                    boolean mine = m.sequence() == seq && m.portId() == socket.portId();
                    if (!mine) {
                        try {
                            RtnlMessages.decode(m).ifPresent(early::add);
                        } catch (IllegalArgumentException e) {
                            stats.drop(NetlinkEventStats.Drop.MALFORMED, 1);
                        }
                        continue;
                    }
                    if ((m.flags() & RtnlMessages.NLM_F_DUMP_INTR) != 0) {
                        interrupted = true;
                    }
                    if (m.type() == NetlinkMessage.NLMSG_DONE) {
                        done = true;
                    } else if (m.isError()) {
                        if (m.errno() != 0) {
                            throw new NetlinkException((links ? "RTM_GETLINK" : "RTM_GETADDR")
                                    + " dump refused by the kernel: errno " + m.errno(), m.errno());
                        }
                        done = true;
                    } else {
                        replies.add(m.copy());
                    }
                }
            }
            if (!interrupted || attempt == DUMP_ATTEMPTS) {
                return replies;
            }
        }
    }
}
