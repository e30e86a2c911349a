package org.haap.core.pm;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.haap.core.pm.internal.GenericNetlink;
import org.haap.core.pm.internal.PmMessages;
import org.haap.core.sys.NetlinkException;
import org.haap.core.sys.NetlinkMessage;
import org.haap.core.sys.NetlinkSocket;

/**
 * Talks to the kernel's MPTCP path manager over the generic-netlink family "mptcp_pm":
 * limits and in-kernel endpoints, like {@code ip mptcp limits} and {@code ip mptcp
 * endpoint}. Acts on the network namespace of the thread that called {@link #open()}.
 * Changing anything needs {@code CAP_NET_ADMIN}; reading does not.
 *
 * <p>Requests are synchronous and serialised (one in flight at a time); use one client per
 * purpose. A negative acknowledgement from the kernel becomes a {@link NetlinkException}
 * with its errno (e.g. EEXIST for an id already in use, ENOENT for an unknown id).
 *
 * <p>Event subscription ({@link #family()} knows the {@code mptcp_pm_events} group) and the
 * userspace path manager's per-connection commands use their own socket and are built on
 * the same family resolution and encoders.
 */
public final class MptcpPmClient implements Closeable {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final NetlinkSocket socket;
    private final GenericNetlink.Family family;
    private final ByteBuffer rx;

    private MptcpPmClient(NetlinkSocket socket, GenericNetlink.Family family, ByteBuffer rx) {
        this.socket = socket;
        this.family = family;
        this.rx = rx;
    }

    /**
     * Opens a generic-netlink socket in the calling thread's namespace and resolves the
     * "mptcp_pm" family.
     *
     * @throws NetlinkException if the socket cannot be opened or the kernel has no such family
     *         (errno ENOENT: no MPTCP in this kernel)
     */
    public static MptcpPmClient open() throws NetlinkException {
        NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC);
        try {
            ByteBuffer rx = ByteBuffer.allocate(RECEIVE_BUFFER).order(ByteOrder.LITTLE_ENDIAN);
            int seq = socket.nextSequence();
            List<NetlinkMessage> replies = exchange(socket, rx, GenericNetlink.getFamily(
                    PmMessages.FAMILY_NAME, seq), seq, "CTRL_CMD_GETFAMILY mptcp_pm");
            if (replies.isEmpty()) {
                throw new NetlinkException("CTRL_CMD_GETFAMILY mptcp_pm: no reply", 2);
            }
            return new MptcpPmClient(socket, GenericNetlink.parseFamily(replies.get(0)), rx);
        } catch (NetlinkException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The family's dynamic message type. */
    public int familyId() {
        return family.id();
    }

    /** The family's multicast groups by name (e.g. {@code mptcp_pm_events}). */
    public Map<String, Integer> multicastGroups() {
        return family.groups();
    }

    /** Sets the per-connection limits ({@code ip mptcp limits set subflows S add_addr_accepted A}). */
    public synchronized void setLimits(int subflows, int addAddrAccepted) throws NetlinkException {
        int seq = socket.nextSequence();
        transact(PmMessages.setLimits(family.id(), seq, new PmLimits(subflows, addAddrAccepted)), seq,
                "SET_LIMITS");
    }

    /** Reads the per-connection limits. */
    public synchronized PmLimits getLimits() throws NetlinkException {
        int seq = socket.nextSequence();
        List<NetlinkMessage> replies = transact(PmMessages.getLimits(family.id(), seq), seq, "GET_LIMITS");
        if (replies.isEmpty()) {
            throw new NetlinkException("GET_LIMITS: no reply", 61);
        }
        return PmMessages.parseLimits(replies.get(0));
    }

    /**
     * Adds an endpoint ({@code ip mptcp endpoint add ADDR id ID dev IF FLAGS}).
     *
     * @throws NetlinkException e.g. EEXIST if the id or address is already an endpoint
     */
    public synchronized void addEndpoint(Endpoint endpoint) throws NetlinkException {
        Objects.requireNonNull(endpoint, "endpoint");
        int seq = socket.nextSequence();
        transact(PmMessages.addEndpoint(family.id(), seq, endpoint), seq, "ADD_ADDR " + endpoint);
    }

    /**
     * Deletes the endpoint with this id.
     *
     * @throws NetlinkException e.g. EINVAL or ENOENT if there is none
     */
    public synchronized void deleteEndpoint(int id) throws NetlinkException {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("id: " + id + " (expected: 1..255)");
        }
        int seq = socket.nextSequence();
        transact(PmMessages.deleteEndpoint(family.id(), seq, id), seq, "DEL_ADDR id " + id);
    }

    /** Every endpoint of the namespace ({@code ip mptcp endpoint show}). */
    public synchronized List<Endpoint> listEndpoints() throws NetlinkException {
        int seq = socket.nextSequence();
        List<NetlinkMessage> replies = transact(PmMessages.dumpEndpoints(family.id(), seq), seq, "GET_ADDR");
        List<Endpoint> endpoints = new ArrayList<>(replies.size());
        for (NetlinkMessage m : replies) {
            endpoints.add(PmMessages.parseEndpoint(m));
        }
        return endpoints;
    }

    /** Removes every endpoint ({@code ip mptcp endpoint flush}). */
    public synchronized void flush() throws NetlinkException {
        int seq = socket.nextSequence();
        transact(PmMessages.flush(family.id(), seq), seq, "FLUSH_ADDRS");
    }

    @Override
    public void close() {
        socket.close();
    }

    private List<NetlinkMessage> transact(ByteBuffer request, int seq, String what)
            throws NetlinkException {
        return exchange(socket, rx, request, seq, what);
    }

    /**
     * Sends {@code request} and collects the family's replies with its sequence number until
     * the acknowledgement (requests are sent with {@code NLM_F_ACK}) or, for a dump, {@code
     * NLMSG_DONE}. The replies are copied out of the receive buffer.
     */
    private static List<NetlinkMessage> exchange(NetlinkSocket socket, ByteBuffer rx, ByteBuffer request,
            int seq, String what) throws NetlinkException {
        socket.send(request);
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        List<NetlinkMessage> replies = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new NetlinkException(what + ": no reply from the kernel within " + REPLY_TIMEOUT.toSeconds()
                        + " s", 110);
            }
            if (socket.receive(rx, Duration.ofNanos(left)) == 0) {
                continue;
            }
            for (NetlinkMessage m : NetlinkMessage.parseAll(rx)) {
                if (m.sequence() != seq) {
                    continue;
                }
                if (m.type() == NetlinkMessage.NLMSG_DONE) {
                    return replies;
                }
                if (m.isError()) {
                    int errno = m.errno();
                    if (errno != 0) {
                        throw new NetlinkException(what + " refused by the kernel: " + errnoText(errno), errno);
                    }
                    return replies;
                }
                replies.add(copy(m));
            }
        }
    }

    /** A message whose payload no longer shares the receive buffer. */
    private static NetlinkMessage copy(NetlinkMessage m) {
        ByteBuffer payload = m.payload();
        int length = NetlinkMessage.HEADER_LENGTH + payload.remaining();
        ByteBuffer whole = ByteBuffer.allocate(NetlinkMessage.align(length)).order(ByteOrder.LITTLE_ENDIAN);
        whole.putInt(length).putShort((short) m.type()).putShort((short) m.flags()).putInt(m.sequence())
                .putInt(m.portId()).put(payload.duplicate());
        whole.position(0).limit(length);
        return NetlinkMessage.parseAll(whole).get(0);
    }

    private static String errnoText(int errno) {
        return switch (errno) {
            case 1 -> "EPERM (needs CAP_NET_ADMIN)";
            case 2 -> "ENOENT";
            case 16 -> "EBUSY (id already in use)";
            case 17 -> "EEXIST (address already an endpoint)";
            case 19 -> "ENODEV";
            case 22 -> "EINVAL";
            case 95 -> "EOPNOTSUPP";
            default -> "errno " + errno;
        };
    }
}
