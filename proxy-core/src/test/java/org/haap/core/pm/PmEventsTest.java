package org.haap.core.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Optional;
import org.haap.core.pm.internal.PmEvents;
import org.haap.core.sys.NetlinkFormatException;
import org.haap.core.sys.NetlinkMessage;
import org.junit.jupiter.api.Test;

/**
 * The event decoder against messages captured from Linux 6.18.44 (family id 0x1c, one
 * connection 10.1.0.1 -> 10.1.0.2:42951 under the userspace path manager, as
 * {@code MptcpPmEventsIT} produces it).
 */
class PmEventsTest {

    private static final int FAMILY = 0x1c;

    // Server side CREATED: TOKEN, SERVER_SIDE u8 1 (deprecated), FLAGS u16 2 (SERVER_SIDE),
    // FAMILY, SADDR4, DADDR4, SPORT, DPORT, LOC_ID 0, REM_ID 0.
    private static final String SERVER_CREATED = "640000001c000000000000000000000001010000080001004a15c1b8"
            + "050012000100000006000d00020000000600020002000000080005000a010002080007000a010001"
            + "06000900a7c7000006000a00c1ca000005000300000000000500040000000000";
    private static final String CLIENT_ESTABLISHED = "540000001c00000000000000000000000201000008000100b2aa0a8b"
            + "0600020002000000080005000a010001080007000a01000206000900c1ca000006000a00a7c70000"
            + "05000300000000000500040000000000";
    // SUB_ESTABLISHED of the subflow SUBFLOW_CREATE opened: LOC_ID 2, REM_ID 1, BACKUP 0, IF_IDX 3.
    private static final String CLIENT_SUB_ESTABLISHED = "640000001c00000000000000000000000a01000008000100b2aa0a8b"
            + "0600020002000000080005000a020001080007000a02000206000900ae91000006000a00a7c70000"
            + "0500030002000000050004000100000005000b000000000008000f0003000000";
    // SUB_PRIORITY at the peer after SET_FLAGS backup: BACKUP 1, no IF_IDX.
    private static final String SERVER_SUB_PRIORITY = "5c0000001c00000000000000000000000d010000080001004a15c1b8"
            + "0600020002000000080005000a020002080007000a02000106000900a7c7000006000a00ae910000"
            + "0500030001000000050004000200000005000b0001000000";
    private static final String CLIENT_SUB_CLOSED = "640000001c00000000000000000000000b01000008000100b2aa0a8b"
            + "0600020002000000080005000a020001080007000a02000206000900ae91000006000a00a7c70000"
            + "0500030002000000050004000100000005000b000000000008000f0003000000";
    // ANNOUNCED: TOKEN, REM_ID 5, DPORT (the connection's port; the ADD_ADDR had none), DADDR4 10.2.0.3.
    private static final String CLIENT_ANNOUNCED = "340000001c00000000000000000000000601000008000100b2aa0a8b"
            + "050004000500000006000a00a7c70000080007000a020003";
    private static final String CLIENT_REMOVED = "240000001c00000000000000000000000701000008000100b2aa0a8b"
            + "0500040005000000";
    private static final String CLIENT_CLOSED = "1c0000001c00000000000000000000000301000008000100b2aa0a8b";
    private static final String LISTENER_CREATED = "2c0000001c00000000000000000000000f010000"
            + "060002000200000006000900a1dd00000800050000000000";
    private static final String LISTENER_CLOSED = "2c0000001c000000000000000000000010010000"
            + "060002000200000006000900a1dd00000800050000000000";

    private static final long CLIENT_TOKEN = 0x8b0aaab2L;
    private static final long SERVER_TOKEN = 0xb8c1154aL;

    @Test
    void createdOnTheServerSide() {
        assertEquals(new MptcpEvent.Connection(MptcpEventType.CREATED, SERVER_TOKEN, sa("10.1.0.2", 42951),
                sa("10.1.0.1", 49610), true, MptcpEvent.Connection.FLAG_SERVER_SIDE), decode(SERVER_CREATED));
    }

    @Test
    void establishedOnTheClientSide() {
        MptcpEvent.Connection e = (MptcpEvent.Connection) decode(CLIENT_ESTABLISHED);
        assertEquals(new MptcpEvent.Connection(MptcpEventType.ESTABLISHED, CLIENT_TOKEN, sa("10.1.0.1", 49610),
                sa("10.1.0.2", 42951), false, 0), e);
        assertEquals(0x8b0aaab2L, e.token(), "token is unsigned");
    }

    @Test
    void subflowEvents() {
        MptcpSubflow created = new MptcpSubflow(2, 1, sa("10.2.0.1", 44689), sa("10.2.0.2", 42951), false, 3, 0);
        assertEquals(new MptcpEvent.Subflow(MptcpEventType.SUB_ESTABLISHED, CLIENT_TOKEN, created, 0, 0),
                decode(CLIENT_SUB_ESTABLISHED));
        assertEquals(new MptcpEvent.Subflow(MptcpEventType.SUB_CLOSED, CLIENT_TOKEN, created, 0, 0),
                decode(CLIENT_SUB_CLOSED));
        assertEquals(new MptcpEvent.Subflow(MptcpEventType.SUB_PRIORITY, SERVER_TOKEN,
                new MptcpSubflow(1, 2, sa("10.2.0.2", 42951), sa("10.2.0.1", 44689), true, 0, 0), 0, 0),
                decode(SERVER_SUB_PRIORITY));
    }

    @Test
    void addressEventsAndClose() {
        assertEquals(new MptcpEvent.Announced(CLIENT_TOKEN, 5, sa("10.2.0.3", 42951)), decode(CLIENT_ANNOUNCED));
        assertEquals(new MptcpEvent.Removed(CLIENT_TOKEN, 5), decode(CLIENT_REMOVED));
        assertEquals(new MptcpEvent.Closed(CLIENT_TOKEN), decode(CLIENT_CLOSED));
    }

    @Test
    void listenerEvents() {
        assertEquals(new MptcpEvent.Listener(MptcpEventType.LISTENER_CREATED, sa("0.0.0.0", 41437)),
                decode(LISTENER_CREATED));
        assertEquals(new MptcpEvent.Listener(MptcpEventType.LISTENER_CLOSED, sa("0.0.0.0", 41437)),
                decode(LISTENER_CLOSED));
    }

    @Test
    void resetReasonErrorAndIpv6() {
        ByteBuffer m = NetlinkMessage.builder(FAMILY, 0).putU8(11).putU8(1).putU16(0)
                .attrU32(PmEvents.ATTR_TOKEN, 7)
                .attrU16(PmEvents.ATTR_FAMILY, 10)
                .attr(PmEvents.ATTR_SADDR6, HexFormat.of().parseHex("fd000001000000000000000000000001"))
                .attr(PmEvents.ATTR_DADDR6, HexFormat.of().parseHex("fd000001000000000000000000000002"))
                .attrU16BE(PmEvents.ATTR_SPORT, 1000).attrU16BE(PmEvents.ATTR_DPORT, 443)
                .attrU8(PmEvents.ATTR_LOC_ID, 3).attrU8(PmEvents.ATTR_REM_ID, 4).attrU8(PmEvents.ATTR_BACKUP, 1)
                .attrU8(PmEvents.ATTR_ERROR, 104)
                .attrU32(PmEvents.ATTR_RESET_REASON, 5).attrU32(PmEvents.ATTR_RESET_FLAGS, 1)
                .attrU32(99, 0xdead)   // an attribute from a future kernel
                .build();
        assertEquals(new MptcpEvent.Subflow(MptcpEventType.SUB_CLOSED, 7,
                new MptcpSubflow(3, 4, sa("fd00:1::1", 1000), sa("fd00:1::2", 443), true, 0, 104), 5, 1),
                PmEvents.decode(FAMILY, NetlinkMessage.parseAll(m).get(0)).orElseThrow());
    }

    @Test
    void unknownEventsAndOtherFamiliesAreSkipped() {
        ByteBuffer future = NetlinkMessage.builder(FAMILY, 0).putU8(42).putU8(1).putU16(0)
                .attrU32(PmEvents.ATTR_TOKEN, 7).build();
        assertEquals(Optional.empty(), PmEvents.decode(FAMILY, NetlinkMessage.parseAll(future).get(0)));
        assertEquals(Optional.empty(), PmEvents.decode(FAMILY + 1, message(CLIENT_CLOSED)));
    }

    @Test
    void knownEventWithoutItsTokenIsMalformed() {
        ByteBuffer m = NetlinkMessage.builder(FAMILY, 0).putU8(3).putU8(1).putU16(0).build();
        assertThrows(IllegalArgumentException.class, () -> PmEvents.decode(FAMILY, NetlinkMessage.parseAll(m).get(0)));
    }

    @Test
    void truncatedAndOverlongAttributesAreFormatExceptionsNotIndexErrors() {
        // a CREATED event whose sport is 1 byte (truncated), then 4 bytes (overlong), then a 3-byte token
        for (byte[] sport : new byte[][] {{1}, {0, 0, 0, 80}}) {
            ByteBuffer m = NetlinkMessage.builder(FAMILY, 0).putU8(1).putU8(1).putU16(0)
                    .attrU32(PmEvents.ATTR_TOKEN, 7)
                    .attr(PmEvents.ATTR_SADDR4, new byte[] {10, 0, 0, 1}).attr(PmEvents.ATTR_SPORT, sport)
                    .attr(PmEvents.ATTR_DADDR4, new byte[] {10, 0, 0, 2}).attrU16BE(PmEvents.ATTR_DPORT, 443)
                    .build();
            assertThrows(NetlinkFormatException.class, () -> PmEvents.decode(FAMILY, NetlinkMessage.parseAll(m).get(0)),
                    "sport of " + sport.length + " bytes");
        }
        ByteBuffer token = NetlinkMessage.builder(FAMILY, 0).putU8(3).putU8(1).putU16(0)
                .attr(PmEvents.ATTR_TOKEN, new byte[3]).build();
        assertThrows(NetlinkFormatException.class, () -> PmEvents.decode(FAMILY, NetlinkMessage.parseAll(token).get(0)));
        ByteBuffer address = NetlinkMessage.builder(FAMILY, 0).putU8(15).putU8(1).putU16(0)
                .attr(PmEvents.ATTR_SADDR4, new byte[3]).build();
        assertThrows(NetlinkFormatException.class,
                () -> PmEvents.decode(FAMILY, NetlinkMessage.parseAll(address).get(0)), "a 3-byte address");
    }

    @Test
    void everyEventTypeRoundTripsItsCode() {
        for (MptcpEventType t : MptcpEventType.values()) {
            assertEquals(Optional.of(t), MptcpEventType.of(t.code()));
        }
        assertTrue(MptcpEventType.of(0).isEmpty());
    }

    private static MptcpEvent decode(String hex) {
        return PmEvents.decode(FAMILY, message(hex)).orElseThrow();
    }

    private static NetlinkMessage message(String hex) {
        return NetlinkMessage.parseAll(ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.LITTLE_ENDIAN))
                .get(0);
    }

    private static InetSocketAddress sa(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }
}
