package org.haap.core.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.haap.core.sys.NetlinkEventStats.Drop;
import org.junit.jupiter.api.Test;

/**
 * What the stream does with each received datagram, without a socket: every message either
 * yields its events or is dropped and counted by reason, and reported; nothing a datagram
 * holds escapes as an exception (so nothing it holds can end the receive loop).
 */
class NetlinkEventStreamTest {

    private static final int EVENT = 0x20;
    private static final int ATTR_VALUE = 1;

    private final NetlinkEventStats stats = new NetlinkEventStats();
    private final List<Integer> events = new ArrayList<>();
    private final List<NetlinkMessageException> failures = new ArrayList<>();

    /** Emits the u32 attribute of an EVENT message, and nothing for other types. */
    private static final NetlinkEventStream.Decoder<Integer> U32 = (m, out) -> {
        if (m.type() == EVENT) {
            out.accept(m.attributes(0).u32(ATTR_VALUE));
        }
    };

    private void dispatch(NetlinkEventStream.Decoder<Integer> decoder, ByteBuffer datagram) {
        NetlinkEventStream.dispatch("test", decoder, stats, datagram, events::add, failures::add);
    }

    private static ByteBuffer event(byte[] value) {
        return NetlinkMessage.builder(EVENT, 0).attr(ATTR_VALUE, value).build();
    }

    private static ByteBuffer event(int value) {
        return NetlinkMessage.builder(EVENT, 0).attrU32(ATTR_VALUE, value).build();
    }

    private static ByteBuffer datagram(ByteBuffer... messages) {
        int n = 0;
        for (ByteBuffer m : messages) {
            n += m.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        for (ByteBuffer m : messages) {
            out.put(m.duplicate());
        }
        return out.flip();
    }

    @Test
    void truncatedAndOverlongAttributesAreDroppedCountedAndReportedWhileTheirNeighboursAreDecoded() {
        dispatch(U32, datagram(event(1), event(new byte[2]), event(new byte[8]), event(2)));
        assertEquals(List.of(1, 2), events);
        assertEquals(2, stats.dropped(Drop.MALFORMED));
        assertEquals(2, failures.size());
        for (NetlinkMessageException f : failures) {
            assertInstanceOf(NetlinkFormatException.class, f.getCause());
            assertEquals(NetlinkMessageException.EBADMSG, f.errno());
        }
    }

    @Test
    void anAttributeOverrunningItsMessageIsMalformed() {
        ByteBuffer m = event(7);
        m.putShort(16, (short) 200); // nla_len beyond the message
        dispatch(U32, datagram(m, event(8)));
        assertEquals(List.of(8), events);
        assertEquals(1, stats.dropped(Drop.MALFORMED));
    }

    @Test
    void aDatagramWhoseHeaderIsTruncatedIsOneMalformedDrop() {
        ByteBuffer cut = event(1);
        cut.limit(cut.limit() - 2);
        dispatch(U32, cut);
        dispatch(U32, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}));
        assertEquals(List.of(), events);
        assertEquals(2, stats.dropped(Drop.MALFORMED));
        assertEquals(2, failures.size());
    }

    @Test
    void aDecoderThatThrowsAnythingElseIsAFailureAndTheNextMessageIsStillDecoded() {
        NetlinkEventStream.Decoder<Integer> buggy = (m, out) -> {
            int v = m.attributes(0).u32(ATTR_VALUE);
            if (v == 13) {
                throw new IndexOutOfBoundsException("a decoder bug");
            }
            out.accept(v);
        };
        dispatch(buggy, datagram(event(13), event(14)));
        assertEquals(List.of(14), events);
        assertEquals(1, stats.dropped(Drop.FAILED));
        assertInstanceOf(IndexOutOfBoundsException.class, failures.get(0).getCause());
    }

    @Test
    void messagesWithoutEventsAreCountedAsUnknown() {
        dispatch(U32, datagram(NetlinkMessage.builder(0x21, 0).build(), event(3)));
        assertEquals(List.of(3), events);
        assertEquals(1, stats.dropped(Drop.UNKNOWN));
        assertEquals(List.of(), failures);
        assertEquals(1, stats.droppedTotal());
    }
}
