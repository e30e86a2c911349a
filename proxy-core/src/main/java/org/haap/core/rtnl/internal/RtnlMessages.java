package org.haap.core.rtnl.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.haap.core.rtnl.Link;
import org.haap.core.rtnl.LinkAddress;
import org.haap.core.rtnl.OperState;
import org.haap.core.rtnl.RtnlEvent;
import org.haap.core.sys.NetlinkAttributes;
import org.haap.core.sys.NetlinkFormatException;
import org.haap.core.sys.NetlinkMessage;

/**
 * rtnetlink link and address messages (include/uapi/linux/rtnetlink.h, if_link.h,
 * if_addr.h): the dump requests and the decoders of {@code struct ifinfomsg} (16 bytes) and
 * {@code struct ifaddrmsg} (8 bytes) with their attributes. Host byte order.
 */
public final class RtnlMessages {

    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;

    /** {@code RTNLGRP_LINK} (the group number; the legacy bit mask is {@code RTMGRP_LINK = 1}). */
    public static final int RTNLGRP_LINK = 1;
    /** {@code RTNLGRP_IPV4_IFADDR} ({@code RTMGRP_IPV4_IFADDR = 0x10}). */
    public static final int RTNLGRP_IPV4_IFADDR = 5;
    /** {@code RTNLGRP_IPV6_IFADDR} ({@code RTMGRP_IPV6_IFADDR = 0x100}). */
    public static final int RTNLGRP_IPV6_IFADDR = 9;

    public static final int IFINFOMSG_LENGTH = 16;
    public static final int IFADDRMSG_LENGTH = 8;

    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_OPERSTATE = 16;

    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_FLAGS = 8;

    /** {@code NLM_F_DUMP_INTR}: the dump changed while it was read; read it again. */
    public static final int NLM_F_DUMP_INTR = 0x10;

    private static final int AF_UNSPEC = 0;

    private RtnlMessages() {
    }

    /** {@code RTM_GETLINK} dump of every link. */
    public static ByteBuffer dumpLinks(int seq) {
        return NetlinkMessage.builder(RTM_GETLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP)
                .sequence(seq)
                .putU8(AF_UNSPEC).putU8(0).putU16(0).putU32(0).putU32(0).putU32(0)
                .build();
    }

    /** {@code RTM_GETADDR} dump of every address of every family. */
    public static ByteBuffer dumpAddresses(int seq) {
        return NetlinkMessage.builder(RTM_GETADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP)
                .sequence(seq)
                .putU8(AF_UNSPEC).putU8(0).putU8(0).putU8(0).putU32(0)
                .build();
    }

    /** The event a link or address message carries; empty for any other message type. */
    public static Optional<RtnlEvent> decode(NetlinkMessage m) {
        return switch (m.type()) {
            case RTM_NEWLINK -> Optional.of(new RtnlEvent.NewLink(link(m)));
            case RTM_DELLINK -> Optional.of(new RtnlEvent.DelLink(link(m)));
            case RTM_NEWADDR -> Optional.of(new RtnlEvent.NewAddress(address(m)));
            case RTM_DELADDR -> Optional.of(new RtnlEvent.DelAddress(address(m)));
            default -> Optional.empty();
        };
    }

    /** Decodes an {@code RTM_NEWLINK}/{@code RTM_DELLINK} message. */
    public static Link link(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        if (p.remaining() < IFINFOMSG_LENGTH) {
            throw new NetlinkFormatException("ifinfomsg: " + p.remaining() + " bytes (expected: >= 16)");
        }
        int index = p.getInt(4);
        int flags = p.getInt(8);
        NetlinkAttributes a = m.attributes(IFINFOMSG_LENGTH);
        String name = a.has(IFLA_IFNAME) ? a.string(IFLA_IFNAME) : "";
        OperState state = a.has(IFLA_OPERSTATE) ? OperState.of(a.u8(IFLA_OPERSTATE)) : OperState.UNKNOWN;
        return new Link(index, name, flags, state);
    }

    /** Decodes an {@code RTM_NEWADDR}/{@code RTM_DELADDR} message. */
    public static LinkAddress address(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        if (p.remaining() < IFADDRMSG_LENGTH) {
            throw new NetlinkFormatException("ifaddrmsg: " + p.remaining() + " bytes (expected: >= 8)");
        }
        int prefix = p.get(1) & 0xff;
        int flags = p.get(2) & 0xff;
        int scope = p.get(3) & 0xff;
        int index = p.getInt(4);
        NetlinkAttributes a = m.attributes(IFADDRMSG_LENGTH);
        if (a.has(IFA_FLAGS)) {
            flags = a.u32(IFA_FLAGS);
        }
        // IFA_LOCAL, when present, is the interface's own address (IFA_ADDRESS is then the peer
        // of a point-to-point link); IPv6 usually sends IFA_ADDRESS only.
        int attr = a.has(IFA_LOCAL) ? IFA_LOCAL : IFA_ADDRESS;
        byte[] raw = a.find(attr).orElseThrow(() -> new NetlinkFormatException("IFA_ADDRESS absent")).bytes();
        try {
            return new LinkAddress(index, InetAddress.getByAddress(raw), prefix, scope, flags);
        } catch (UnknownHostException e) {
            throw new NetlinkFormatException("address of " + raw.length + " bytes (expected: 4 or 16)", e);
        }
    }
}
