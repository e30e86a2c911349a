package org.haap.core.pm.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.haap.core.pm.MptcpEvent;
import org.haap.core.pm.MptcpEventType;
import org.haap.core.pm.MptcpSubflow;
import org.haap.core.sys.NetlinkAttributes;
import org.haap.core.sys.NetlinkFormatException;
import org.haap.core.sys.NetlinkMessage;

/**
 * Decodes the "mptcp_pm_events" multicast messages ({@code enum mptcp_event_attr}): the
 * generic-netlink command is the event type; addresses are in network order, ports big-endian,
 * integers in host order. Unknown events and attributes are ignored.
 */
public final class PmEvents {

    public static final int ATTR_TOKEN = 1;
    public static final int ATTR_FAMILY = 2;
    public static final int ATTR_LOC_ID = 3;
    public static final int ATTR_REM_ID = 4;
    public static final int ATTR_SADDR4 = 5;
    public static final int ATTR_SADDR6 = 6;
    public static final int ATTR_DADDR4 = 7;
    public static final int ATTR_DADDR6 = 8;
    public static final int ATTR_SPORT = 9;
    public static final int ATTR_DPORT = 10;
    public static final int ATTR_BACKUP = 11;
    public static final int ATTR_ERROR = 12;
    public static final int ATTR_FLAGS = 13;
    public static final int ATTR_TIMEOUT = 14;
    public static final int ATTR_IF_IDX = 15;
    public static final int ATTR_RESET_REASON = 16;
    public static final int ATTR_RESET_FLAGS = 17;
    public static final int ATTR_SERVER_SIDE = 18;

    private PmEvents() {
    }

    /**
     * The event {@code message} carries; empty when its type is not the family's or its event
     * type is unknown.
     *
     * @throws IllegalArgumentException if a known event lacks an attribute it must have or an
     *         attribute is malformed
     */
    public static Optional<MptcpEvent> decode(int familyId, NetlinkMessage message) {
        if (message.type() != familyId || message.payload().remaining() < GenericNetlink.HEADER_LENGTH) {
            return Optional.empty();
        }
        Optional<MptcpEventType> type = MptcpEventType.of(GenericNetlink.command(message));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        NetlinkAttributes a = message.attributes(GenericNetlink.HEADER_LENGTH);
        MptcpEventType t = type.get();
        return Optional.of(switch (t) {
            case CREATED, ESTABLISHED -> {
                int flags = (int) optional(a, ATTR_FLAGS);
                boolean serverSide = optional(a, ATTR_SERVER_SIDE) != 0
                        || (flags & MptcpEvent.Connection.FLAG_SERVER_SIDE) != 0;
                yield new MptcpEvent.Connection(t, token(a), source(a), destination(a), serverSide, flags);
            }
            case CLOSED -> new MptcpEvent.Closed(token(a));
            case ANNOUNCED -> new MptcpEvent.Announced(token(a), (int) required(a, ATTR_REM_ID), destination(a));
            case REMOVED -> new MptcpEvent.Removed(token(a), (int) required(a, ATTR_REM_ID));
            case SUB_ESTABLISHED, SUB_CLOSED, SUB_PRIORITY -> new MptcpEvent.Subflow(t, token(a),
                    new MptcpSubflow((int) optional(a, ATTR_LOC_ID), (int) optional(a, ATTR_REM_ID),
                            source(a), destination(a), optional(a, ATTR_BACKUP) != 0,
                            (int) optional(a, ATTR_IF_IDX), (int) optional(a, ATTR_ERROR)),
                    (int) optional(a, ATTR_RESET_REASON), (int) optional(a, ATTR_RESET_FLAGS));
            case LISTENER_CREATED, LISTENER_CLOSED -> new MptcpEvent.Listener(t, source(a));
        });
    }

    private static long token(NetlinkAttributes a) {
        return required(a, ATTR_TOKEN);
    }

    private static InetSocketAddress source(NetlinkAttributes a) {
        return socketAddress(a, ATTR_SADDR4, ATTR_SADDR6, ATTR_SPORT);
    }

    private static InetSocketAddress destination(NetlinkAttributes a) {
        return socketAddress(a, ATTR_DADDR4, ATTR_DADDR6, ATTR_DPORT);
    }

    /** The address (v4 or v6 attribute, whichever is present) and big-endian port (0 if absent). */
    private static InetSocketAddress socketAddress(NetlinkAttributes a, int v4, int v6, int port) {
        byte[] raw;
        if (a.has(v4)) {
            raw = a.find(v4).orElseThrow().bytes();
        } else if (a.has(v6)) {
            raw = a.find(v6).orElseThrow().bytes();
        } else {
            throw new NetlinkFormatException("attribute " + v4 + " or " + v6 + " absent");
        }
        try {
            InetAddress address = InetAddress.getByAddress(raw);
            return new InetSocketAddress(address, a.has(port) ? a.u16BE(port) : 0);
        } catch (UnknownHostException e) {
            throw new NetlinkFormatException("address of " + raw.length + " bytes (expected: 4 or 16)", e);
        }
    }

    private static long required(NetlinkAttributes a, int type) {
        return a.unsigned(type);
    }

    private static long optional(NetlinkAttributes a, int type) {
        return a.has(type) ? a.unsigned(type) : 0;
    }
}
