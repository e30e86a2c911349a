package org.haap.core.pm.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.haap.core.pm.Endpoint;
import org.haap.core.pm.EndpointFlag;
import org.haap.core.pm.PmLimits;
import org.haap.core.sys.NetlinkAttributes;
import org.haap.core.sys.NetlinkMessage;

/**
 * The "mptcp_pm" family's commands and attributes (include/uapi/linux/mptcp_pm.h), and the
 * encoders and decoders of the messages {@link org.haap.core.pm.MptcpPmClient} sends and
 * receives. Pure functions of their arguments, so they can be checked against byte layouts.
 */
public final class PmMessages {

    /** The family's name. */
    public static final String FAMILY_NAME = "mptcp_pm";
    /** The family's version. */
    public static final int VERSION = 1;
    /** Multicast group of path-manager events. */
    public static final String EVENTS_GROUP = "mptcp_pm_events";

    public static final int CMD_ADD_ADDR = 1;
    public static final int CMD_DEL_ADDR = 2;
    public static final int CMD_GET_ADDR = 3;
    public static final int CMD_FLUSH_ADDRS = 4;
    public static final int CMD_SET_LIMITS = 5;
    public static final int CMD_GET_LIMITS = 6;
    public static final int CMD_SET_FLAGS = 7;
    public static final int CMD_ANNOUNCE = 8;
    public static final int CMD_REMOVE = 9;
    public static final int CMD_SUBFLOW_CREATE = 10;
    public static final int CMD_SUBFLOW_DESTROY = 11;

    public static final int ATTR_ADDR = 1;
    public static final int ATTR_RCV_ADD_ADDRS = 2;
    public static final int ATTR_SUBFLOWS = 3;
    public static final int ATTR_TOKEN = 4;
    public static final int ATTR_LOC_ID = 5;
    public static final int ATTR_ADDR_REMOTE = 6;

    public static final int ADDR_ATTR_FAMILY = 1;
    public static final int ADDR_ATTR_ID = 2;
    public static final int ADDR_ATTR_ADDR4 = 3;
    public static final int ADDR_ATTR_ADDR6 = 4;
    public static final int ADDR_ATTR_PORT = 5;
    public static final int ADDR_ATTR_FLAGS = 6;
    public static final int ADDR_ATTR_IF_IDX = 7;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private static final int REQUEST_ACK = NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK;

    private PmMessages() {
    }

    /** SET_LIMITS with both limits. */
    public static ByteBuffer setLimits(int familyId, int seq, PmLimits limits) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_SET_LIMITS, VERSION)
                .attrU32(ATTR_RCV_ADD_ADDRS, limits.addAddrAccepted())
                .attrU32(ATTR_SUBFLOWS, limits.subflows())
                .build();
    }

    /** GET_LIMITS. */
    public static ByteBuffer getLimits(int familyId, int seq) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_GET_LIMITS, VERSION).build();
    }

    /** ADD_ADDR: the endpoint's family, id (unless 0), address, port (unless 0), flags and interface (unless 0). */
    public static ByteBuffer addEndpoint(int familyId, int seq, Endpoint endpoint) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_ADD_ADDR, VERSION)
                .attrNested(ATTR_ADDR, b -> {
                    InetAddress a = endpoint.address();
                    b.attrU16(ADDR_ATTR_FAMILY, a instanceof Inet6Address ? AF_INET6 : AF_INET);
                    if (endpoint.id() != 0) {
                        b.attrU8(ADDR_ATTR_ID, endpoint.id());
                    }
                    b.attr(a instanceof Inet6Address ? ADDR_ATTR_ADDR6 : ADDR_ATTR_ADDR4, a.getAddress());
                    if (endpoint.port() != 0) {
                        b.attrU16(ADDR_ATTR_PORT, endpoint.port());
                    }
                    b.attrU32(ADDR_ATTR_FLAGS, EndpointFlag.mask(endpoint.flags()));
                    if (endpoint.ifIndex() != 0) {
                        b.attrU32(ADDR_ATTR_IF_IDX, endpoint.ifIndex());
                    }
                })
                .build();
    }

    /** DEL_ADDR by endpoint id. */
    public static ByteBuffer deleteEndpoint(int familyId, int seq, int id) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_DEL_ADDR, VERSION)
                .attrNested(ATTR_ADDR, b -> b.attrU8(ADDR_ATTR_ID, id))
                .build();
    }

    /** FLUSH_ADDRS: removes every endpoint. */
    public static ByteBuffer flush(int familyId, int seq) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_FLUSH_ADDRS, VERSION).build();
    }

    /** GET_ADDR as a dump of every endpoint. */
    public static ByteBuffer dumpEndpoints(int familyId, int seq) {
        return GenericNetlink.request(familyId, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, seq,
                CMD_GET_ADDR, VERSION).build();
    }

    /** GET_ADDR for one endpoint id. */
    public static ByteBuffer getEndpoint(int familyId, int seq, int id) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_GET_ADDR, VERSION)
                .attrNested(ATTR_ADDR, b -> b.attrU8(ADDR_ATTR_ID, id))
                .build();
    }

    /** SET_FLAGS for an in-kernel endpoint, addressed by id ({@code ip mptcp endpoint change}). */
    public static ByteBuffer setEndpointFlags(int familyId, int seq, int id, int flags) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_SET_FLAGS, VERSION)
                .attrNested(ATTR_ADDR, b -> b.attrU8(ADDR_ATTR_ID, id).attrU32(ADDR_ATTR_FLAGS, flags))
                .build();
    }

    /**
     * SUBFLOW_CREATE (userspace PM): TOKEN, ADDR {family, id unless 0, address, flags, device
     * unless 0} and ADDR_REMOTE {family, address, port}.
     */
    public static ByteBuffer subflowCreate(int familyId, int seq, long token, Endpoint local, InetSocketAddress remote) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_SUBFLOW_CREATE, VERSION)
                .attrU32(ATTR_TOKEN, (int) token)
                .attrNested(ATTR_ADDR, b -> {
                    address(b, local.address(), local.id(), 0);
                    b.attrU32(ADDR_ATTR_FLAGS, EndpointFlag.mask(local.flags()));
                    if (local.ifIndex() != 0) {
                        b.attrU32(ADDR_ATTR_IF_IDX, local.ifIndex());
                    }
                })
                .attrNested(ATTR_ADDR_REMOTE, b -> address(b, remote.getAddress(), 0, remote.getPort()))
                .build();
    }

    /** SUBFLOW_DESTROY (userspace PM): TOKEN, ADDR {local address and port}, ADDR_REMOTE. */
    public static ByteBuffer subflowDestroy(int familyId, int seq, long token, InetSocketAddress local,
            InetSocketAddress remote) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_SUBFLOW_DESTROY, VERSION)
                .attrU32(ATTR_TOKEN, (int) token)
                .attrNested(ATTR_ADDR, b -> address(b, local.getAddress(), 0, local.getPort()))
                .attrNested(ATTR_ADDR_REMOTE, b -> address(b, remote.getAddress(), 0, remote.getPort()))
                .build();
    }

    /**
     * SET_FLAGS on one connection's subflows (userspace PM): TOKEN, ADDR {local address, port
     * unless 0, flags BACKUP or 0}, ADDR_REMOTE {address, port unless 0}. The kernel sends
     * MP_PRIO on every subflow that matches.
     */
    public static ByteBuffer setSubflowBackup(int familyId, int seq, long token, InetSocketAddress local,
            InetSocketAddress remote, boolean backup) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_SET_FLAGS, VERSION)
                .attrU32(ATTR_TOKEN, (int) token)
                .attrNested(ATTR_ADDR, b -> {
                    address(b, local.getAddress(), 0, local.getPort());
                    b.attrU32(ADDR_ATTR_FLAGS, backup ? EndpointFlag.BACKUP.bit() : 0);
                })
                .attrNested(ATTR_ADDR_REMOTE, b -> address(b, remote.getAddress(), 0, remote.getPort()))
                .build();
    }

    /**
     * ANNOUNCE (userspace PM): TOKEN, ADDR {family, id, address, flags with SIGNAL, device
     * unless 0}: the kernel sends ADD_ADDR on the connection.
     */
    public static ByteBuffer announce(int familyId, int seq, long token, Endpoint address) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_ANNOUNCE, VERSION)
                .attrU32(ATTR_TOKEN, (int) token)
                .attrNested(ATTR_ADDR, b -> {
                    address(b, address.address(), address.id(), 0);
                    b.attrU32(ADDR_ATTR_FLAGS, EndpointFlag.mask(address.flags()) | EndpointFlag.SIGNAL.bit());
                    if (address.ifIndex() != 0) {
                        b.attrU32(ADDR_ATTR_IF_IDX, address.ifIndex());
                    }
                })
                .build();
    }

    /** REMOVE (userspace PM): TOKEN and LOC_ID; the kernel sends REMOVE_ADDR for that id. */
    public static ByteBuffer remove(int familyId, int seq, long token, int localId) {
        return GenericNetlink.request(familyId, REQUEST_ACK, seq, CMD_REMOVE, VERSION)
                .attrU32(ATTR_TOKEN, (int) token)
                .attrU8(ATTR_LOC_ID, localId)
                .build();
    }

    private static void address(NetlinkMessage.Builder b, InetAddress a, int id, int port) {
        boolean v6 = a instanceof Inet6Address;
        b.attrU16(ADDR_ATTR_FAMILY, v6 ? AF_INET6 : AF_INET);
        if (id != 0) {
            b.attrU8(ADDR_ATTR_ID, id);
        }
        b.attr(v6 ? ADDR_ATTR_ADDR6 : ADDR_ATTR_ADDR4, a.getAddress());
        if (port != 0) {
            b.attrU16(ADDR_ATTR_PORT, port);
        }
    }

    /** Decodes a GET_LIMITS reply. */
    public static PmLimits parseLimits(NetlinkMessage reply) {
        NetlinkAttributes attrs = reply.attributes(GenericNetlink.HEADER_LENGTH);
        return new PmLimits(attrs.has(ATTR_SUBFLOWS) ? attrs.u32(ATTR_SUBFLOWS) : 0,
                attrs.has(ATTR_RCV_ADD_ADDRS) ? attrs.u32(ATTR_RCV_ADD_ADDRS) : 0);
    }

    /** Decodes one GET_ADDR reply (one endpoint). */
    public static Endpoint parseEndpoint(NetlinkMessage reply) {
        NetlinkAttributes addr = reply.attributes(GenericNetlink.HEADER_LENGTH).nested(ATTR_ADDR);
        InetAddress address;
        try {
            if (addr.has(ADDR_ATTR_ADDR6)) {
                address = InetAddress.getByAddress(addr.find(ADDR_ATTR_ADDR6).orElseThrow().bytes());
            } else {
                address = Inet4Address.getByAddress(addr.find(ADDR_ATTR_ADDR4).orElseThrow().bytes());
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("endpoint address of unexpected length", e);
        }
        int id = addr.has(ADDR_ATTR_ID) ? addr.u8(ADDR_ATTR_ID) : 0;
        int flags = addr.has(ADDR_ATTR_FLAGS) ? addr.u32(ADDR_ATTR_FLAGS) : 0;
        int ifIndex = addr.has(ADDR_ATTR_IF_IDX) ? addr.u32(ADDR_ATTR_IF_IDX) : 0;
        int port = addr.has(ADDR_ATTR_PORT) ? addr.u16(ADDR_ATTR_PORT) : 0;
        return new Endpoint(id, address, ifIndex, EndpointFlag.fromMask(flags), port);
    }
}
