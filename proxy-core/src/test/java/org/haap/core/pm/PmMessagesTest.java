package org.haap.core.pm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.haap.core.pm.internal.GenericNetlink;
import org.haap.core.pm.internal.PmMessages;
import org.haap.core.sys.NetlinkMessage;
import org.junit.jupiter.api.Test;

/** The "mptcp_pm" encoders and decoders against hand-written byte layouts. */
class PmMessagesTest {

    private static final int FAMILY = 0x1c;

    @Test
    void setLimits() {
        assertBytes("24000000 1c00 0500 05000000 00000000"
                + "05010000"
                + "08000200 03000000"   // RCV_ADD_ADDRS 3
                + "08000300 02000000",  // SUBFLOWS 2
                PmMessages.setLimits(FAMILY, 5, new PmLimits(2, 3)));
    }

    @Test
    void getLimits() {
        assertBytes("14000000 1c00 0500 06000000 00000000 06010000", PmMessages.getLimits(FAMILY, 6));
    }

    @Test
    void addIpv4EndpointWithIdDeviceAndSubflowFlag() throws Exception {
        Endpoint e = new Endpoint(7, InetAddress.getByName("10.9.0.1"), 3, Set.of(EndpointFlag.SUBFLOW));
        assertBytes("40000000 1c00 0500 09000000 00000000"
                + "01010000"
                + "2c000180"            // ADDR, nested, 44 bytes
                + "06000100 02000000"   // FAMILY AF_INET (u16, padded)
                + "05000200 07000000"   // ID 7 (u8, padded)
                + "08000300 0a090001"   // ADDR4 10.9.0.1, network order
                + "08000600 02000000"   // FLAGS SUBFLOW
                + "08000700 03000000",  // IF_IDX 3
                PmMessages.addEndpoint(FAMILY, 9, e));
    }

    @Test
    void addIpv6EndpointWithoutIdOrDevice() throws Exception {
        Endpoint e = new Endpoint(0, InetAddress.getByName("2001:db8::5"), 0,
                Set.of(EndpointFlag.SIGNAL, EndpointFlag.BACKUP));
        assertBytes("3c000000 1c00 0500 0a000000 00000000"
                + "01010000"
                + "28000180"            // ADDR, nested, 40 bytes
                + "06000100 0a000000"                             // FAMILY AF_INET6
                + "14000400 20010db8000000000000000000000005"     // ADDR6
                + "08000600 05000000",                            // FLAGS SIGNAL|BACKUP
                PmMessages.addEndpoint(FAMILY, 10, e));
    }

    @Test
    void addSignalEndpointWithAPort() throws Exception {
        Endpoint e = new Endpoint(0, InetAddress.getByName("10.9.0.1"), 0, Set.of(EndpointFlag.SIGNAL), 5125);
        assertBytes("38000000 1c00 0500 0b000000 00000000"
                + "01010000"
                + "24000180"            // ADDR, nested, 36 bytes
                + "06000100 02000000"   // FAMILY AF_INET
                + "08000300 0a090001"   // ADDR4 10.9.0.1
                + "06000500 05140000"   // PORT 5125 (u16, host order as the kernel reads it, padded)
                + "08000600 01000000",  // FLAGS SIGNAL
                PmMessages.addEndpoint(FAMILY, 11, e));
        ByteBuffer reply = bytes("38000000 1c00 0000 0b000000 00000000 03010000"
                + "24000180 06000100 02000000 08000300 0a090001 06000500 05140000 08000600 01000000");
        assertEquals(e, PmMessages.parseEndpoint(NetlinkMessage.parseAll(reply).get(0)));
    }

    @Test
    void deleteById() {
        assertBytes("20000000 1c00 0500 02000000 00000000"
                + "02010000"
                + "0c000180 05000200 07000000",
                PmMessages.deleteEndpoint(FAMILY, 2, 7));
    }

    @Test
    void flushAndDump() {
        assertBytes("14000000 1c00 0500 03000000 00000000 04010000", PmMessages.flush(FAMILY, 3));
        assertBytes("14000000 1c00 0103 04000000 00000000 03010000", PmMessages.dumpEndpoints(FAMILY, 4));
    }

    @Test
    void getFamilyRequest() {
        assertBytes("24000000 1000 0500 01000000 00000000"
                + "03010000"
                + "0d000200 6d707463705f706d 00000000",  // "mptcp_pm\0", padded
                GenericNetlink.getFamily("mptcp_pm", 1));
    }

    @Test
    void parsesAnEndpointReply() throws Exception {
        ByteBuffer reply = bytes("40000000 1c00 0200 04000000 00000000"
                + "03010000"
                + "2c000180"
                + "06000100 02000000"
                + "05000200 07000000"
                + "08000300 0a090001"
                + "08000600 0a000000"   // SUBFLOW|FULLMESH
                + "08000700 03000000");
        Endpoint e = PmMessages.parseEndpoint(NetlinkMessage.parseAll(reply).get(0));
        assertEquals(new Endpoint(7, InetAddress.getByName("10.9.0.1"), 3,
                Set.of(EndpointFlag.SUBFLOW, EndpointFlag.FULLMESH)), e);
    }

    @Test
    void parsesLimitsReply() {
        ByteBuffer reply = bytes("24000000 1c00 0000 06000000 00000000 06010000"
                + "08000200 04000000 08000300 03000000");
        assertEquals(new PmLimits(3, 4), PmMessages.parseLimits(NetlinkMessage.parseAll(reply).get(0)));
    }

    @Test
    void parsesFamilyReplyWithGroups() {
        ByteBuffer reply = NetlinkMessage.builder(GenericNetlink.GENL_ID_CTRL, 0).sequence(1)
                .putU8(1).putU8(2).putU16(0)
                .attrString(GenericNetlink.CTRL_ATTR_FAMILY_NAME, "mptcp_pm")
                .attrU16(GenericNetlink.CTRL_ATTR_FAMILY_ID, 0x1c)
                .attrU32(GenericNetlink.CTRL_ATTR_VERSION, 1)
                .attrNested(GenericNetlink.CTRL_ATTR_MCAST_GROUPS, groups -> groups
                        .attrNested(1, g -> g.attrU32(GenericNetlink.CTRL_ATTR_MCAST_GRP_ID, 8)
                                .attrString(GenericNetlink.CTRL_ATTR_MCAST_GRP_NAME, "mptcp_pm_cmds"))
                        .attrNested(2, g -> g.attrU32(GenericNetlink.CTRL_ATTR_MCAST_GRP_ID, 9)
                                .attrString(GenericNetlink.CTRL_ATTR_MCAST_GRP_NAME, "mptcp_pm_events")))
                .build();
        GenericNetlink.Family f = GenericNetlink.parseFamily(NetlinkMessage.parseAll(reply).get(0));
        assertEquals(new GenericNetlink.Family(0x1c, 1, Map.of("mptcp_pm_cmds", 8, "mptcp_pm_events", 9)), f);
    }

    @Test
    void subflowCreateWithDevice() throws Exception {
        Endpoint local = new Endpoint(2, InetAddress.getByName("10.2.0.1"), 3, Set.of());
        assertBytes("64000000 1c00 0500 0b000000 00000000"
                + "0a010000"
                + "08000400 b2aa0a8b"   // TOKEN 0x8b0aaab2, host order
                + "2c000180"            // ADDR, nested
                + "06000100 02000000 05000200 02000000 08000300 0a020001"
                + "08000600 00000000"   // FLAGS none
                + "08000700 03000000"   // IF_IDX 3
                + "1c000680"            // ADDR_REMOTE, nested
                + "06000100 02000000 08000300 0a020002"
                + "06000500 c7a70000",  // PORT 42951, host order
                PmMessages.subflowCreate(FAMILY, 11, 0x8b0aaab2L, local,
                        new java.net.InetSocketAddress("10.2.0.2", 42951)));
    }

    @Test
    void subflowDestroyAndBackupCarryBothPorts() {
        java.net.InetSocketAddress local = new java.net.InetSocketAddress("10.2.0.1", 44689);
        java.net.InetSocketAddress remote = new java.net.InetSocketAddress("10.2.0.2", 42951);
        assertBytes("54000000 1c00 0500 0c000000 00000000"
                + "0b010000"
                + "08000400 07000000"
                + "1c000180 06000100 02000000 08000300 0a020001 06000500 91ae0000"
                + "1c000680 06000100 02000000 08000300 0a020002 06000500 c7a70000",
                PmMessages.subflowDestroy(FAMILY, 12, 7, local, remote));
        assertBytes("5c000000 1c00 0500 0d000000 00000000"
                + "07010000"
                + "08000400 07000000"
                + "24000180 06000100 02000000 08000300 0a020001 06000500 91ae0000 08000600 04000000"
                + "1c000680 06000100 02000000 08000300 0a020002 06000500 c7a70000",
                PmMessages.setSubflowBackup(FAMILY, 13, 7, local, remote, true));
    }

    @Test
    void announceForcesSignalAndRemoveByLocalId() throws Exception {
        assertBytes("40000000 1c00 0500 0e000000 00000000"
                + "08010000"
                + "08000400 07000000"
                + "24000180 06000100 02000000 05000200 05000000 08000300 0a020003"
                + "08000600 01000000",  // FLAGS SIGNAL
                PmMessages.announce(FAMILY, 14, 7, new Endpoint(5, InetAddress.getByName("10.2.0.3"), 0, Set.of())));
        assertBytes("24000000 1c00 0500 0f000000 00000000"
                + "09010000 08000400 07000000 05000500 05000000",
                PmMessages.remove(FAMILY, 15, 7, 5));
    }

    @Test
    void endpointFlagsAndGetById() {
        assertBytes("28000000 1c00 0500 10000000 00000000"
                + "07010000 14000180 05000200 07000000 08000600 04000000",
                PmMessages.setEndpointFlags(FAMILY, 16, 7, EndpointFlag.BACKUP.bit()));
        assertBytes("20000000 1c00 0500 11000000 00000000"
                + "03010000 0c000180 05000200 07000000",
                PmMessages.getEndpoint(FAMILY, 17, 7));
    }

    @Test
    void flagMaskRoundTrip() {
        for (int mask = 0; mask < 64; mask++) {
            assertEquals(mask, EndpointFlag.mask(EndpointFlag.fromMask(mask)));
        }
    }

    private static void assertBytes(String expectedHex, ByteBuffer actual) {
        byte[] got = new byte[actual.remaining()];
        actual.duplicate().get(got);
        assertArrayEquals(bytes(expectedHex).array(), got,
                () -> "expected " + expectedHex.replace(" ", "") + "\n but was " + HexFormat.of().formatHex(got));
    }

    private static ByteBuffer bytes(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", ""))).order(ByteOrder.LITTLE_ENDIAN);
    }
}
