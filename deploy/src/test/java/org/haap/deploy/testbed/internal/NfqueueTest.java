package org.haap.deploy.testbed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.haap.core.sys.NetlinkAttributes;
import org.haap.core.sys.NetlinkMessage;
import org.junit.jupiter.api.Test;

class NfqueueTest {

    @Test
    void bindIsAConfigCommandForTheQueueWithAck() {
        NetlinkMessage m = NetlinkMessage.parseAll(Nfqueue.bind(258, 9)).get(0);
        assertEquals(0x0302, m.type());
        assertEquals(NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, m.flags());
        assertEquals(9, m.sequence());
        ByteBuffer p = m.payload();
        assertEquals(0, p.get(0), "AF_UNSPEC");
        assertEquals(1, p.get(2) & 0xff, "res_id is big-endian: 258 = 0x0102");
        assertEquals(2, p.get(3) & 0xff);
        assertArrayEquals(new byte[] {1, 0, 0, 0}, m.attributes(4).find(1).orElseThrow().bytes());
    }

    @Test
    void configureAsksForMetadataOnlyWholeGsoPacketsAndALongQueue() {
        NetlinkAttributes a = NetlinkMessage.parseAll(Nfqueue.configure(1, 8192, 3)).get(0).attributes(4);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 1}, a.find(2).orElseThrow().bytes(), "copy_range 0, COPY_META");
        assertEquals(8192, a.u32BE(3));
        assertEquals(4, a.u32BE(5), "NFQA_CFG_F_GSO");
        assertEquals(4, a.u32BE(4), "mask");
    }

    @Test
    void verdictBatchAcceptsUpToAnId() {
        NetlinkMessage m = NetlinkMessage.parseAll(Nfqueue.verdictBatch(2, 0x01020304, Nfqueue.NF_ACCEPT)).get(0);
        assertEquals(0x0303, m.type());
        assertEquals(NetlinkMessage.NLM_F_REQUEST, m.flags(), "no ack: verdicts are fire and forget");
        assertArrayEquals(new byte[] {0, 0, 0, 1, 1, 2, 3, 4}, m.attributes(4).find(2).orElseThrow().bytes());
    }

    @Test
    void findsPacketIdsAndQueueNumbersInNotifications() {
        ByteBuffer one = packet(7, 1001);
        ByteBuffer two = packet(8, 1002);
        ByteBuffer err = NetlinkMessage.builder(NetlinkMessage.NLMSG_ERROR, 0).putU32(-105).build();
        ByteBuffer ack = NetlinkMessage.builder(NetlinkMessage.NLMSG_ERROR, 0).putU32(0).build();
        ByteBuffer all = ByteBuffer.allocate(one.remaining() + two.remaining() + err.remaining() + ack.remaining());
        all.put(one).put(two).put(err).put(ack).flip();
        List<int[]> seen = new ArrayList<>();
        int errors = Nfqueue.forEachPacket(all, (q, id) -> seen.add(new int[] {q, id}));
        assertEquals(1, errors);
        assertEquals(2, seen.size());
        assertArrayEquals(new int[] {7, 1001}, seen.get(0));
        assertArrayEquals(new int[] {8, 1002}, seen.get(1));
    }

    private static ByteBuffer packet(int queue, int id) {
        byte[] hdr = ByteBuffer.allocate(7).putInt(id).putShort((short) 0x0800).put((byte) 2).array();
        return NetlinkMessage.builder(Nfqueue.MSG_PACKET, 0)
                .putU8(2).putU8(0).putU16BE(queue)
                .attrU32BE(3, 0)            // NFQA_MARK before the header: order must not matter
                .attr(1, hdr)               // NFQA_PACKET_HDR
                .attrU32BE(5, 4)            // NFQA_IFINDEX_INDEV
                .build();
    }
}
