package org.haap.gateway.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.haap.core.convert.AttemptTlv;
import org.haap.core.convert.ConnectTlv;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertTlv;
import org.haap.core.convert.CookieTlv;
import org.haap.robe.FirstFlight;

/**
 * The 0-RTT first flight of one fresh LAN connection ({@code docs/fast-open.md}): Convert
 * {Connect, Cookie, attempt} followed by the client's first bytes, sent on every racing
 * attempt; and the judge of each attempt's answer: a complete Convert message that is Error
 * 192 "duplicate attempt" (the aggregation point acts on another attempt) or 64 "resource
 * exceeded" (refused before acting, another attempt may pass) loses; any other complete
 * message, or bytes that cannot be one, win (the session reads the reply again and
 * acts on it, an error included). The connection id is this process's random 64-bit prefix
 * and a counter: unique per LAN connection, never reused while the process runs.
 */
public final class ConvertFlight implements FirstFlight {

    private static final long PREFIX = new SecureRandom().nextLong();
    /**
     * The errors that end one attempt only: 192, another attempt carries the connection; 64,
     * this attempt met a limit (of its WAN address, or of the node) before the AP acted on it,
     * and another may not.
     */
    private static final java.util.Set<ConvertErrorCode> LOSING =
            java.util.EnumSet.of(ConvertErrorCode.DUPLICATE_ATTEMPT, ConvertErrorCode.RESOURCE_EXCEEDED);
    private static final AtomicLong COUNTER = new AtomicLong();

    private final ByteBuf bytes;
    private final int clientBytes;

    private ConvertFlight(ByteBuf bytes, int clientBytes) {
        this.bytes = bytes;
        this.clientBytes = clientBytes;
    }

    /**
     * The flight to {@code destination}, with {@code cookie} (or none) and {@code client}, the
     * LAN client's first bytes (or {@code null}), whose ownership passes to the flight.
     */
    public static ConvertFlight of(ByteBufAllocator alloc, InetSocketAddress destination, byte[] cookie,
                                   ByteBuf client) {
        List<ConvertTlv> tlvs = new ArrayList<>(3);
        tlvs.add(new ConnectTlv(destination));
        if (cookie != null) {
            tlvs.add(new CookieTlv(cookie));
        }
        tlvs.add(AttemptTlv.of(nextId()));
        ByteBuf convert = Unpooled.wrappedBuffer(ConvertCodec.encode(new ConvertMessage(tlvs)));
        if (client == null || !client.isReadable()) {
            if (client != null) {
                client.release();
            }
            return new ConvertFlight(convert, 0);
        }
        CompositeByteBuf all = alloc.compositeBuffer(2);
        all.addComponent(true, convert).addComponent(true, client);
        return new ConvertFlight(all, client.readableBytes());
    }

    /** A fresh connection id: the process prefix, then the counter. */
    static byte[] nextId() {
        return java.nio.ByteBuffer.allocate(AttemptTlv.ID_BYTES).putLong(PREFIX)
                .putLong(COUNTER.incrementAndGet()).array();
    }

    @Override
    public ByteBuf bytes() {
        return bytes;
    }

    /** How many of the LAN client's bytes the flight carries. */
    public int clientBytes() {
        return clientBytes;
    }

    /** Releases the flight's own reference (the attempts hold their duplicates while they write). */
    public void release() {
        if (bytes.refCnt() > 0) {
            bytes.release();
        }
    }

    @Override
    public Verdict judge(ByteBuf answer) {
        int at = answer.readerIndex();
        if (answer.readableBytes() < 2) {
            return Verdict.MORE;
        }
        int length = answer.getUnsignedByte(at + 1) * 4;
        if (answer.getUnsignedByte(at) != ConvertCodec.VERSION || length == 0) {
            return Verdict.WIN; // not a reply: the session's decoder says so
        }
        if (answer.readableBytes() < length) {
            return Verdict.MORE;
        }
        try {
            ConvertMessage reply = ConvertCodec.decode(answer.duplicate());
            boolean lost = reply != null && reply.errorTlv().map(e -> LOSING.contains(e.code())).orElse(false);
            return lost ? Verdict.LOSE : Verdict.WIN;
        } catch (ConvertException e) {
            return Verdict.WIN;
        }
    }
}
