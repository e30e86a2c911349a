package org.haap.ap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ExtendedTcpHeaderTlv;
import org.haap.core.convert.SupportedTcpExtensionsTlv;
import org.junit.jupiter.api.Test;

/** The success reply's TLVs; with a real upstream socket: {@code AggregationPointConvertOptionsIT}. */
class SuccessReplyTest {

    private final EmbeddedChannel up = new EmbeddedChannel();

    private static String hex(ByteBuf buf) {
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void aPlainConnectGetsTheEmptyReply() {
        assertEquals("01012263", hex(SuccessReply.PLAIN.encode(up)));
        up.finishAndReleaseAll();
    }

    @Test
    void infoAddsTheSupportedListAndConnectOptionsTheExtendedHeader() {
        SuccessReply reply = new SuccessReply(List.of(new SupportedTcpExtensionsTlv(List.of(30))), true);
        // Not an epoll socket, so no options known: the Extended TCP Header TLV is one word.
        assertEquals(new ConvertMessage(List.of(new SupportedTcpExtensionsTlv(List.of(30)),
                new ExtendedTcpHeaderTlv(new byte[0]))), reply.message(up));
        assertEquals("01042263" + "15020000" + "1e000000" + "14010000", hex(reply.encode(up)));
        up.finishAndReleaseAll();
    }
}
