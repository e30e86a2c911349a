package org.haap.core.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

class NetlinkMessageTest {

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void encodesHeaderFamilyHeaderAndPaddedAttributes() {
        ByteBuffer msg = NetlinkMessage.builder(0x0302, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK)
                .sequence(7)
                .putU8(2).putU8(0).putU16BE(5)        // nfgenmsg: AF_INET, v0, res_id 5
                .attrU8(9, 0xab)                      // 5 bytes + 3 padding
                .attrU32BE(3, 0x01020304)
                .build();
        byte[] expected = {
            36, 0, 0, 0,   0x02, 0x03,   0x05, 0x00,   7, 0, 0, 0,   0, 0, 0, 0,
            2, 0, 0, 5,
            5, 0, 9, 0, (byte) 0xab, 0, 0, 0,
            8, 0, 3, 0, 1, 2, 3, 4,
        };
        assertArrayEquals(expected, bytes(msg));
    }

    @Test
    void roundTripsNestedAttributesAndStrings() {
        ByteBuffer msg = NetlinkMessage.builder(0x10, NetlinkMessage.NLM_F_REQUEST)
                .sequence(42).portId(99)
                .putU8(3).putU8(1).putU16(0)          // genlmsghdr
                .attrString(2, "mptcp_pm")
                .attrNested(1, b -> b.attrU16(1, 2).attrU32(6, 0x11223344).attr(3, new byte[] {(byte) 198, 18, 0, 1}))
                .attrU16BE(5, 15124)
                .build();
        List<NetlinkMessage> parsed = NetlinkMessage.parseAll(msg);
        assertEquals(1, parsed.size());
        NetlinkMessage m = parsed.get(0);
        assertEquals(0x10, m.type());
        assertEquals(42, m.sequence());
        assertEquals(99, m.portId());
        assertEquals(3, m.payload().get(0));
        NetlinkAttributes attrs = m.attributes(4);
        assertEquals("mptcp_pm", attrs.string(2));
        assertEquals(15124, attrs.u16BE(5));
        NetlinkAttributes addr = attrs.nested(1);
        assertEquals(2, addr.u16(1));
        assertEquals(0x11223344, addr.u32(6));
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, 1}, addr.find(3).orElseThrow().bytes());
        assertFalse(attrs.has(77));
        assertEquals(3, attrs.all().size());
    }

    @Test
    void nestedFlagIsSetOnTheWireAndMaskedWhenParsing() {
        ByteBuffer msg = NetlinkMessage.builder(0x10, 0).attrNested(6, b -> b.attrU8(1, 1)).build();
        assertEquals(6 | NetlinkAttributes.NLA_F_NESTED, msg.getShort(NetlinkMessage.HEADER_LENGTH + 2) & 0xffff);
        assertEquals(6, NetlinkMessage.parseAll(msg).get(0).attributes(0).all().get(0).type());
    }

    @Test
    void splitsSeveralMessagesInOneDatagramAndReadsErrors() {
        ByteBuffer a = NetlinkMessage.builder(NetlinkMessage.NLMSG_ERROR, 0).sequence(1).putU32(-1).build(); // EPERM
        ByteBuffer b = NetlinkMessage.builder(NetlinkMessage.NLMSG_ERROR, 0).sequence(2).putU32(0).build();  // ack
        ByteBuffer c = NetlinkMessage.builder(NetlinkMessage.NLMSG_DONE, NetlinkMessage.NLM_F_MULTI).sequence(3).build();
        ByteBuffer all = ByteBuffer.allocate(a.remaining() + b.remaining() + c.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        all.put(a).put(b).put(c).flip();
        List<NetlinkMessage> parsed = NetlinkMessage.parseAll(all);
        assertEquals(3, parsed.size());
        assertTrue(parsed.get(0).isError());
        assertEquals(1, parsed.get(0).errno());
        assertEquals(0, parsed.get(1).errno());
        assertEquals(NetlinkMessage.NLMSG_DONE, parsed.get(2).type());
        assertThrows(IllegalStateException.class, () -> parsed.get(2).errno());
    }

    @Test
    void rejectsTruncatedInput() {
        ByteBuffer msg = NetlinkMessage.builder(1, 0).attrU32(1, 5).build();
        ByteBuffer cut = msg.duplicate();
        cut.limit(msg.limit() - 4);
        assertThrows(IllegalArgumentException.class, () -> NetlinkMessage.parseAll(cut));
        ByteBuffer badAttr = ByteBuffer.wrap(new byte[] {12, 0, 1, 0, 0, 0, 0, 0});
        assertThrows(IllegalArgumentException.class, () -> NetlinkAttributes.parse(badAttr));
        assertThrows(IllegalArgumentException.class, () -> NetlinkMessage.builder(70000, 0));
    }

    @Test
    void growsBeyondTheInitialBuffer() {
        byte[] big = new byte[1000];
        big[999] = 9;
        ByteBuffer msg = NetlinkMessage.builder(1, 0).attr(1, big).attr(2, big).build();
        NetlinkAttributes attrs = NetlinkMessage.parseAll(msg).get(0).attributes(0);
        assertEquals(9, attrs.value(2).get(999));
        assertEquals(1000, attrs.value(1).remaining());
    }

    @Test
    void extendedAckTextOfACappedErrorReport() {
        // NLMSG_ERROR, flags NLM_F_CAPPED | NLM_F_ACK_TLVS: error -22, the request's header,
        // then NLMSGERR_ATTR_MSG "invalid token" and NLMSGERR_ATTR_OFFS 20.
        ByteBuffer err = NetlinkMessage.builder(NetlinkMessage.NLMSG_ERROR,
                        NetlinkMessage.NLM_F_CAPPED | NetlinkMessage.NLM_F_ACK_TLVS).sequence(3)
                .putU32(-22)
                .putU32(0x54).putU16(0x1c).putU16(5).putU32(3).putU32(0x1234)
                .attrString(NetlinkMessage.NLMSGERR_ATTR_MSG, "invalid token")
                .attrU32(NetlinkMessage.NLMSGERR_ATTR_OFFS, 20)
                .build();
        NetlinkMessage m = NetlinkMessage.parseAll(err).get(0);
        assertEquals(22, m.errno());
        assertEquals(java.util.Optional.of("invalid token"), m.extendedAckMessage());
    }

    @Test
    void extendedAckTextAfterAnEchoedRequest() {
        ByteBuffer err = NetlinkMessage.builder(NetlinkMessage.NLMSG_ERROR, NetlinkMessage.NLM_F_ACK_TLVS)
                .putU32(-17)
                .putU32(0x18).putU16(0x1c).putU16(5).putU32(3).putU32(0x1234).putU32(0x00000101).putU32(0x5)
                .attrString(NetlinkMessage.NLMSGERR_ATTR_MSG, "address already exists")
                .build();
        assertEquals(java.util.Optional.of("address already exists"),
                NetlinkMessage.parseAll(err).get(0).extendedAckMessage());
        ByteBuffer plain = NetlinkMessage.builder(NetlinkMessage.NLMSG_ERROR, 0).putU32(-1)
                .putU32(0x10).putU16(0x1c).putU16(5).putU32(3).putU32(0x1234).build();
        assertEquals(java.util.Optional.empty(), NetlinkMessage.parseAll(plain).get(0).extendedAckMessage());
    }

    @Test
    void copyOwnsItsPayload() {
        ByteBuffer datagram = NetlinkMessage.builder(0x20, 0).putU32(0x01020304).build();
        NetlinkMessage copy = NetlinkMessage.parseAll(datagram).get(0).copy();
        datagram.put(16, (byte) 9);
        assertEquals(0x01020304, copy.payload().getInt(0));
        assertEquals(0x20, copy.type());
    }

    @Test
    void unsignedReadsByWidth() {
        ByteBuffer msg = NetlinkMessage.builder(0x20, 0)
                .attrU8(1, 0xff).attrU16(2, 0xfffe).attrU32(3, 0xfffffffd).build();
        NetlinkAttributes a = NetlinkMessage.parseAll(msg).get(0).attributes(0);
        assertEquals(0xffL, a.unsigned(1));
        assertEquals(0xfffeL, a.unsigned(2));
        assertEquals(0xfffffffdL, a.unsigned(3));
        assertThrows(IllegalArgumentException.class, () -> a.unsigned(4));
    }

    @Test
    void fixedWidthAccessorsRejectShortAndOverlongValuesWithAFormatException() {
        ByteBuffer msg = NetlinkMessage.builder(0x20, 0)
                .attr(1, new byte[0]).attr(2, new byte[1]).attr(3, new byte[3]).attr(4, new byte[5])
                .attr(5, new byte[8]).attr(6, new byte[9]).build();
        NetlinkAttributes a = NetlinkMessage.parseAll(msg).get(0).attributes(0);
        record Reader(String name, int width, java.util.function.IntConsumer read) { }
        List<Reader> readers = List.of(new Reader("u8", 1, a::u8), new Reader("u16", 2, a::u16),
                new Reader("u16BE", 2, a::u16BE), new Reader("u32", 4, a::u32), new Reader("u32BE", 4, a::u32BE),
                new Reader("u64BE", 8, t -> a.u64BE(t)));
        int[] lengths = {0, 1, 3, 5, 8, 9};
        for (Reader r : readers) {
            for (int type = 1; type <= 6; type++) {
                int t = type;
                if (lengths[type - 1] == r.width()) {
                    r.read().accept(t);
                    continue;
                }
                NetlinkFormatException e = assertThrows(NetlinkFormatException.class, () -> r.read().accept(t),
                        r.name() + " of " + lengths[type - 1] + " bytes");
                assertTrue(e.getMessage().contains("expected: " + r.width()), e.getMessage());
            }
            assertThrows(NetlinkFormatException.class, () -> r.read().accept(7), r.name() + " of an absent attribute");
        }
        assertThrows(NetlinkFormatException.class, () -> a.unsigned(3));
        assertThrows(NetlinkFormatException.class, () -> a.nested(4), "nla_len 0 inside");
    }

    @Test
    void truncatedOrOverrunningHeadersAreFormatExceptions() {
        ByteBuffer overrun = ByteBuffer.wrap(new byte[] {12, 0, 1, 0, 0, 0, 0, 0});
        assertThrows(NetlinkFormatException.class, () -> NetlinkAttributes.parse(overrun));
        ByteBuffer shortLen = ByteBuffer.wrap(new byte[] {2, 0, 1, 0, 0, 0, 0, 0});
        assertThrows(NetlinkFormatException.class, () -> NetlinkAttributes.parse(shortLen));
        ByteBuffer msg = NetlinkMessage.builder(1, 0).attrU32(1, 5).build();
        ByteBuffer cut = msg.duplicate();
        cut.limit(msg.limit() - 4);
        assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.parseAll(cut));
        ByteBuffer tail = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(16).position(0);
        assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.parseAll(tail), "4 trailing bytes");
        NetlinkMessage three = NetlinkMessage.parseAll(NetlinkMessage.builder(1, 0).putU8(1).putU8(2).putU8(3)
                .build()).get(0);
        assertTrue(three.attributes(3).all().isEmpty(), "a family header and its padding, nothing after");
        assertThrows(NetlinkFormatException.class, () -> three.attributes(8));
    }
}
