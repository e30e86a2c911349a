package org.haap.ap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import org.haap.ap.internal.SynAckOptions;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertTlv;
import org.haap.core.convert.ExtendedTcpHeaderTlv;
import org.haap.core.convert.TcpOption;

/**
 * A session's Convert success reply (RFC 8803): no TLVs ({@code 01 01 22 63}) for a plain
 * Connect; the Supported TCP Extensions TLV when the client's message also held an Info TLV
 * (section 6.2.3); and an Extended TCP Header TLV with the server's SYN+ACK options
 * ({@link SynAckOptions}) when the client's Connect TLV carried TCP options (section 6.2.6:
 * it asked about options, so it gets the server's answer to them).
 *
 * @param tlvs          the TLVs decided before the upstream connect
 * @param synAckOptions whether to add the Extended TCP Header TLV once connected
 */
record SuccessReply(List<ConvertTlv> tlvs, boolean synAckOptions) {

    /** The reply to a plain Connect. */
    static final SuccessReply PLAIN = new SuccessReply(List.of(), false);

    SuccessReply {
        tlvs = List.copyOf(tlvs);
    }

    /** The reply once connected through {@code up}. */
    ConvertMessage message(Channel up) {
        if (!synAckOptions) {
            return new ConvertMessage(tlvs);
        }
        List<ConvertTlv> all = new ArrayList<>(tlvs);
        all.add(new ExtendedTcpHeaderTlv(TcpOption.encodeList(SynAckOptions.of(up))));
        return new ConvertMessage(all);
    }

    /** {@link #message} encoded. */
    ByteBuf encode(Channel up) {
        return Unpooled.wrappedBuffer(ConvertCodec.encode(message(up)));
    }
}
