package org.haap.core.pm;

import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.haap.core.pm.internal.PmEvents;
import org.haap.core.pm.internal.PmMessages;
import org.haap.core.sys.NetlinkEventStats;
import org.haap.core.sys.NetlinkEventStream;
import org.haap.core.sys.NetlinkException;
import org.haap.core.sys.NetlinkSocket;

/**
 * A subscription to the kernel's MPTCP path-manager events ({@code mptcp_pm_events}) in the
 * network namespace of the thread that opened it ({@link MptcpPmClient#openEventMonitor()}).
 * Pollable ({@link #poll}) or pushed to a {@link MptcpEventListener} by a receive loop on its
 * own thread ({@link #start}); unknown events and attributes are skipped.
 *
 * <p>With the userspace path manager the kernel only accepts MP_JOINs and ADD_ADDRs while a
 * subscriber exists in the namespace, so keep one open as long as the path manager runs.
 */
public final class MptcpEventMonitor implements Closeable {

    private static final int RECEIVE_BUFFER = 1024 * 1024;

    private final NetlinkEventStream<MptcpEvent> stream;

    private MptcpEventMonitor(NetlinkEventStream<MptcpEvent> stream) {
        this.stream = stream;
    }

    static MptcpEventMonitor open(int familyId, Map<String, Integer> groups, NetlinkEventStats stats)
            throws NetlinkException {
        Integer group = groups.get(PmMessages.EVENTS_GROUP);
        if (group == null) {
            throw new NetlinkException("mptcp_pm has no multicast group " + PmMessages.EVENTS_GROUP + ": " + groups,
                    2);
        }
        NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC);
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            socket.joinGroup(group);
        } catch (NetlinkException e) {
            socket.close();
            throw e;
        }
        return new MptcpEventMonitor(new NetlinkEventStream<>("haap-mptcp-events", socket,
                (m, out) -> PmEvents.decode(familyId, m).ifPresent(out), List.of(), stats));
    }

    /**
     * Waits up to {@code timeout} for events and returns those available (empty on timeout).
     * Not for use after {@link #start}.
     *
     * @throws NetlinkException on a socket error; errno ENOBUFS (105) means events were lost
     */
    public List<MptcpEvent> poll(Duration timeout) throws NetlinkException {
        return stream.poll(timeout);
    }

    /** Delivers every event to {@code listener} from a new daemon thread until {@link #close()}. */
    public void start(MptcpEventListener listener) {
        stream.start(listener);
    }

    /** Messages skipped so far (unknown event types, malformed messages, other senders). */
    public long skipped() {
        return stream.skipped();
    }

    /** What the monitor dropped or lost, by reason. */
    public NetlinkEventStats stats() {
        return stream.stats();
    }

    /** The port id of the subscribed socket (where the kernel sends the events). */
    public int portId() {
        return stream.portId();
    }

    /** Stops the receive loop and unsubscribes (closes the socket). Idempotent. */
    @Override
    public void close() {
        stream.close();
    }
}
