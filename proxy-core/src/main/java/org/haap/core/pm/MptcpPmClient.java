package org.haap.core.pm;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.haap.core.pm.internal.GenericNetlink;
import org.haap.core.pm.internal.PmMessages;
import org.haap.core.sys.NetlinkEventStats;
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
 * <p>Kernel-wide commands (limits, endpoints) sit beside the userspace path manager's
 * per-connection commands ({@link #createSubflow}, {@link #destroySubflow},
 * {@link #setSubflowBackup}, {@link #announce}, {@link #removeAddress}), which need
 * {@code net.mptcp.path_manager=userspace} in the namespace. Refusals are
 * {@link MptcpPmException}s naming the command, the errno and the kernel's extended-ack text.
 * Events come from a separate subscription, {@link #openEventMonitor()}.
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
            socket.setOption(NetlinkSocket.SOL_NETLINK, NetlinkSocket.NETLINK_EXT_ACK, 1);
            socket.setOption(NetlinkSocket.SOL_NETLINK, NetlinkSocket.NETLINK_CAP_ACK, 1);
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

    /**
     * Reads one endpoint by id.
     *
     * @throws MptcpPmException e.g. EINVAL if there is no such endpoint
     */
    public synchronized Endpoint getEndpoint(int id) throws NetlinkException {
        checkId(id);
        int seq = socket.nextSequence();
        List<NetlinkMessage> replies = transact(PmMessages.getEndpoint(family.id(), seq, id), seq, "GET_ADDR id " + id);
        if (replies.isEmpty()) {
            throw new NetlinkException("GET_ADDR id " + id + ": no reply", 61);
        }
        return PmMessages.parseEndpoint(replies.get(0));
    }

    /**
     * Changes an in-kernel endpoint's flags ({@code ip mptcp endpoint change id ID [no]backup
     * [no]fullmesh}); the kernel only changes BACKUP and FULLMESH, and sends MP_PRIO on the
     * subflows using the endpoint when BACKUP changes.
     */
    public synchronized void setEndpointFlags(int id, Set<EndpointFlag> flags) throws NetlinkException {
        checkId(id);
        int seq = socket.nextSequence();
        transact(PmMessages.setEndpointFlags(family.id(), seq, id, EndpointFlag.mask(flags)), seq,
                "SET_FLAGS id " + id);
    }

    // Per-connection commands of the userspace path manager (net.mptcp.path_manager=userspace).

    /**
     * Opens a subflow on connection {@code token} from {@code local} (its address, id, device
     * and BACKUP flag; id 0 lets the kernel choose) to {@code remote} (port required).
     * Success means the kernel started the join; {@link MptcpEventType#SUB_ESTABLISHED} reports
     * the subflow.
     *
     * @throws MptcpPmException e.g. EINVAL for an unknown token or a connection whose path
     *         manager is not the userspace one, with the kernel's explanation
     */
    public synchronized void createSubflow(long token, Endpoint local, InetSocketAddress remote) throws NetlinkException {
        checkToken(token);
        Objects.requireNonNull(local, "local");
        checkRemote(remote);
        int seq = socket.nextSequence();
        transact(PmMessages.subflowCreate(family.id(), seq, token, local, remote), seq, "SUBFLOW_CREATE");
    }

    /**
     * Closes the subflow of connection {@code token} between {@code local} and {@code remote}
     * (both with ports, as the subflow events report them).
     */
    public synchronized void destroySubflow(long token, InetSocketAddress local, InetSocketAddress remote)
            throws NetlinkException {
        checkToken(token);
        Objects.requireNonNull(local, "local");
        checkRemote(remote);
        if (local.getPort() == 0) {
            throw new IllegalArgumentException("local: " + local + " (expected: a port)");
        }
        int seq = socket.nextSequence();
        transact(PmMessages.subflowDestroy(family.id(), seq, token, local, remote), seq, "SUBFLOW_DESTROY");
    }

    /**
     * Marks the subflows of connection {@code token} from {@code local} to {@code remote} as
     * backup or active (MP_PRIO to the peer, which reports {@link MptcpEventType#SUB_PRIORITY}).
     * A port of 0 matches every port.
     */
    public synchronized void setSubflowBackup(long token, InetSocketAddress local, InetSocketAddress remote,
            boolean backup) throws NetlinkException {
        checkToken(token);
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        int seq = socket.nextSequence();
        transact(PmMessages.setSubflowBackup(family.id(), seq, token, local, remote, backup), seq,
                "SET_FLAGS token " + token);
    }

    /**
     * Announces a local address to the peer of connection {@code token} (ADD_ADDR) under
     * {@code address.id()} (1..255); the peer reports {@link MptcpEventType#ANNOUNCED}.
     */
    public synchronized void announce(long token, Endpoint address) throws NetlinkException {
        checkToken(token);
        Objects.requireNonNull(address, "address");
        checkId(address.id());
        int seq = socket.nextSequence();
        transact(PmMessages.announce(family.id(), seq, token, address), seq, "ANNOUNCE");
    }

    /**
     * Withdraws local address id {@code localId} (0..255; 0 is the initial subflow's address)
     * from connection {@code token} (REMOVE_ADDR; also closes the subflows using it); the
     * peer reports {@link MptcpEventType#REMOVED}.
     */
    public synchronized void removeAddress(long token, int localId) throws NetlinkException {
        checkToken(token);
        if (localId < 0 || localId > 255) {
            throw new IllegalArgumentException("localId: " + localId + " (expected: 0..255)");
        }
        int seq = socket.nextSequence();
        transact(PmMessages.remove(family.id(), seq, token, localId), seq, "REMOVE");
    }

    /**
     * Subscribes a new socket, in the calling thread's network namespace, to this family's
     * {@code mptcp_pm_events} group. Subscribing needs CAP_NET_ADMIN; with the userspace path
     * manager, a subscriber must exist for the kernel to accept joins and announcements.
     */
    public MptcpEventMonitor openEventMonitor() throws NetlinkException {
        return openEventMonitor(new NetlinkEventStats());
    }

    /** As {@link #openEventMonitor()}, counting what the monitor drops or loses into {@code stats}. */
    public MptcpEventMonitor openEventMonitor(NetlinkEventStats stats) throws NetlinkException {
        return MptcpEventMonitor.open(family.id(), family.groups(), stats);
    }

    @Override
    public void close() {
        socket.close();
    }

    private static void checkId(int id) {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("id: " + id + " (expected: 1..255)");
        }
    }

    private static void checkToken(long token) {
        if (token < 0 || token > 0xffffffffL) {
            throw new IllegalArgumentException("token: " + token + " (expected: 0.." + 0xffffffffL + ")");
        }
    }

    private static void checkRemote(InetSocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (remote.getPort() == 0 || remote.isUnresolved()) {
            throw new IllegalArgumentException("remote: " + remote + " (expected: a resolved address with a port)");
        }
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
                        throw new MptcpPmException(what, errno, errnoText(errno), m.extendedAckMessage().orElse(null));
                    }
                    return replies;
                }
                replies.add(m.copy());
            }
        }
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
            case 3 -> "ESRCH";
            case 12 -> "ENOMEM";
            case 28 -> "ENOSPC";
            case 34 -> "ERANGE";
            case 90 -> "EMSGSIZE";
            case 99 -> "EADDRNOTAVAIL";
            case 105 -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }
}
