package org.haap.core.rtnl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Optional;
import org.haap.core.rtnl.internal.RtnlMessages;
import org.haap.core.sys.NetlinkFormatException;
import org.haap.core.sys.NetlinkMessage;
import org.junit.jupiter.api.Test;

/**
 * rtnetlink decoders against notifications captured from Linux 6.18.44 ({@code LinkMonitorIT}:
 * veth v0, ifindex 3). Link messages are cut after {@code IFLA_LINKMODE} (the kernel sends ~60
 * attributes, 1492 bytes) with the length fixed up; address messages are whole.
 */
class RtnlMessagesTest {

    // RTM_NEWLINK after "ip link set v0 down": flags BROADCAST|MULTICAST, change IFF_UP,
    // IFNAME "v0", TXQLEN 1000, OPERSTATE 2 (DOWN), LINKMODE 0.
    private static final String LINK_DOWN = "40000000100000000000000000000000"
            + "00000100030000000210000001000000"
            + "0700030076300000" + "08000d00e8030000" + "0500100002000000" + "0500110000000000";
    // RTM_NEWLINK after "ip link set v0 up" once the carrier is back: UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP, OPERSTATE 6.
    private static final String LINK_UP = "40000000100000000000000000000000"
            + "00000100030000004310010000000000"
            + "0700030076300000" + "08000d00e8030000" + "0500100006000000" + "0500110000000000";
    // RTM_DELLINK after "ip link del v0": change ~0.
    private static final String LINK_DEL = "40000000110000000000000000000000"
            + "0000010003000000" + "02100000ffffffff"
            + "0700030076300000" + "08000d00e8030000" + "0500100002000000" + "0500110000000000";
    // RTM_NEWADDR after "ip addr add 10.8.0.1/16 dev v0": nlmsg seq/pid are those of the ip command.
    private static final String ADDR4_NEW = "4c00000014000000a455026b93630000"
            + "0210800003000000"
            + "080001000a080001" + "080002000a080001" + "0700030076300000" + "0800080080000000"
            + "14000600ffffffffffffffffa95c0e00a95c0e00";
    private static final String ADDR4_DEL = "4c00000015000000a555026b9f630000"
            + "0210800003000000"
            + "080001000a080001" + "080002000a080001" + "0700030076300000" + "0800080080000000"
            + "14000600ffffffffffffffffa95c0e00a95c0e00";
    // RTM_NEWADDR after "ip addr add fd00:7::1/64 dev v0 nodad": IFA_ADDRESS only, IFA_FLAGS PERMANENT|NODAD.
    private static final String ADDR6_NEW = "48000000140000000000000000000000"
            + "0a40820003000000"
            + "14000100fd000007000000000000000000000001"
            + "14000600ffffffffffffffffb05c0e00b05c0e00" + "0800080082000000";

    @Test
    void linkDownUpAndDelete() {
        Link down = ((RtnlEvent.NewLink) decode(LINK_DOWN)).link();
        assertEquals(new Link(3, "v0", 0x1002, OperState.DOWN), down);
        assertTrue(!down.up() && !down.running() && !down.lowerUp());
        Link up = ((RtnlEvent.NewLink) decode(LINK_UP)).link();
        assertEquals(new Link(3, "v0", 0x11043, OperState.UP), up);
        assertTrue(up.up() && up.running() && up.lowerUp());
        assertEquals(new RtnlEvent.DelLink(new Link(3, "v0", 0x1002, OperState.DOWN)), decode(LINK_DEL));
    }

    @Test
    void ipv4AddressAddedAndRemoved() throws Exception {
        LinkAddress a = new LinkAddress(3, InetAddress.getByName("10.8.0.1"), 16, 0, 0x80);
        assertEquals(new RtnlEvent.NewAddress(a), decode(ADDR4_NEW));
        assertEquals(new RtnlEvent.DelAddress(a), decode(ADDR4_DEL));
    }

    @Test
    void ipv6Address() throws Exception {
        assertEquals(new RtnlEvent.NewAddress(new LinkAddress(3, InetAddress.getByName("fd00:7::1"), 64, 0, 0x82)),
                decode(ADDR6_NEW));
    }

    @Test
    void pointToPointAddressUsesIfaLocal() throws Exception {
        ByteBuffer m = NetlinkMessage.builder(RtnlMessages.RTM_NEWADDR, 0)
                .putU8(2).putU8(32).putU8(0x80).putU8(0).putU32(9)
                .attr(RtnlMessages.IFA_ADDRESS, new byte[] {10, 0, 0, 2})
                .attr(RtnlMessages.IFA_LOCAL, new byte[] {10, 0, 0, 1})
                .build();
        assertEquals(InetAddress.getByName("10.0.0.1"),
                RtnlMessages.address(NetlinkMessage.parseAll(m).get(0)).address());
    }

    @Test
    void otherMessagesAreSkippedAndTruncatedOnesRejected() {
        ByteBuffer route = NetlinkMessage.builder(24, 0).putU32(0).putU32(0).putU32(0).build(); // RTM_NEWROUTE
        assertEquals(Optional.empty(), RtnlMessages.decode(NetlinkMessage.parseAll(route).get(0)));
        ByteBuffer shortLink = NetlinkMessage.builder(RtnlMessages.RTM_NEWLINK, 0).putU32(0).build();
        assertThrows(IllegalArgumentException.class,
                () -> RtnlMessages.decode(NetlinkMessage.parseAll(shortLink).get(0)));
    }

    @Test
    void truncatedAndOverlongAttributesAreFormatExceptionsNotIndexErrors() {
        ByteBuffer emptyOperState = NetlinkMessage.builder(RtnlMessages.RTM_NEWLINK, 0)
                .putU32(0).putU32(2).putU32(1).putU32(0)
                .attrString(RtnlMessages.IFLA_IFNAME, "dsl0").attr(RtnlMessages.IFLA_OPERSTATE, new byte[0]).build();
        assertThrows(NetlinkFormatException.class,
                () -> RtnlMessages.decode(NetlinkMessage.parseAll(emptyOperState).get(0)));
        ByteBuffer longFlags = NetlinkMessage.builder(RtnlMessages.RTM_NEWADDR, 0)
                .putU8(2).putU8(24).putU8(0).putU8(0).putU32(2)
                .attr(RtnlMessages.IFA_ADDRESS, new byte[] {10, 0, 0, 1}).attr(RtnlMessages.IFA_FLAGS, new byte[6])
                .build();
        assertThrows(NetlinkFormatException.class, () -> RtnlMessages.decode(NetlinkMessage.parseAll(longFlags).get(0)));
        ByteBuffer shortAddress = NetlinkMessage.builder(RtnlMessages.RTM_NEWADDR, 0)
                .putU8(2).putU8(24).putU8(0).putU8(0).putU32(2)
                .attr(RtnlMessages.IFA_ADDRESS, new byte[] {10, 0}).build();
        assertThrows(NetlinkFormatException.class,
                () -> RtnlMessages.decode(NetlinkMessage.parseAll(shortAddress).get(0)));
    }

    @Test
    void dumpRequests() {
        assertArrayEquals(HexFormat.of().parseHex("20000000 1200 0103 07000000 00000000".replace(" ", "")
                        + "00000000000000000000000000000000"), bytes(RtnlMessages.dumpLinks(7)));
        assertArrayEquals(HexFormat.of().parseHex("18000000 1600 0103 08000000 00000000".replace(" ", "")
                        + "0000000000000000"), bytes(RtnlMessages.dumpAddresses(8)));
    }

    @Test
    void operStateCodes() {
        assertEquals(OperState.UP, OperState.of(6));
        assertEquals(OperState.LOWERLAYERDOWN, OperState.of(3));
        assertEquals(OperState.UNKNOWN, OperState.of(77));
    }

    private static RtnlEvent decode(String hex) {
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.LITTLE_ENDIAN);
        return RtnlMessages.decode(NetlinkMessage.parseAll(b).get(0)).orElseThrow();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
