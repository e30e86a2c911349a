package org.haap.core.convert;

import static org.haap.core.convert.ConvertErrorCode.MALFORMED_MESSAGE;
import static org.haap.core.convert.ConvertErrorCode.RESOURCE_EXCEEDED;
import static org.haap.core.convert.ConvertErrorCode.UNSUPPORTED_MESSAGE;
import static org.haap.core.convert.ConvertErrorCode.UNSUPPORTED_VERSION;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes RFC 8803 Convert messages. Stateless.
 *
 * <p>Decoding is incremental and strict. It returns null, consuming nothing, until the
 * buffer holds the whole message (Total Length x 4 bytes), but fails as soon as the bytes
 * present are wrong: the version (not 1: {@link ConvertErrorCode#UNSUPPORTED_VERSION}) at
 * the first byte, the total length (0: malformed; above the limit:
 * {@link ConvertErrorCode#RESOURCE_EXCEEDED}) at the second, the magic (not 0x2263:
 * malformed) at the fourth. Then every TLV must have a length of at least one word and end
 * inside the message (so TLVs fill it exactly, both being counted in words); Info is one
 * word, Connect at least five, its TCP Options field a list of {@link TcpOption}s (each
 * length at least 2 and inside the field; bytes 0 and 1, End of Option List and
 * No-Operation, are skipped: RFC 8803 section 7.1 has a converter ignore them); Supported TCP Extensions has no kind 0 except as at most
 * three bytes of trailing padding; an Error TLV must carry an assigned error code. An
 * unknown TLV type (including 0 and the private-use range 195-255) is
 * {@link ConvertErrorCode#UNSUPPORTED_MESSAGE}, as the RFC defines that code. HAAP's three
 * private-use TLVs are decoded strictly too: {@link PoolHelloTlv} (192) must be 15 words,
 * {@link PoolAckTlv} (193) two and {@link AttemptTlv} (194) five, each of extension version 1
 * (else unsupported message). The 16-bit
 * Zero/Unassigned fields are written as zero and ignored on receipt (they exist for future
 * use); padding inside variable fields cannot be told from data and is kept (see
 * {@link ConvertTlv}). Any other byte sequence fails with {@link ConvertException}, never
 * another exception; a decoded message re-encodes to the same bytes except for ignored
 * Zero/Unassigned fields. On failure the reader index is left unchanged.
 */
public final class ConvertCodec {

    /** The only Convert version (RFC 8803). */
    public static final int VERSION = 1;
    /** The magic number of the fixed header. */
    public static final int MAGIC = 0x2263;
    /** The largest message: Total Length is 8 bits, in 32-bit words. */
    public static final int MAX_MESSAGE_BYTES = 255 * 4;

    private static final int HEADER_BYTES = 4;
    private static final int CONNECT_BYTES = 20;

    private ConvertCodec() {
    }

    /**
     * Writes {@code message} to {@code out}; nothing is written if it cannot be encoded.
     *
     * @throws IllegalArgumentException if the message is longer than 1020 bytes
     */
    public static void encode(ConvertMessage message, ByteBuf out) {
        int length = HEADER_BYTES;
        for (ConvertTlv tlv : message.tlvs()) {
            length += tlvBytes(tlv);
        }
        if (length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException(
                    "convert: message length " + length + " bytes (expected: <= " + MAX_MESSAGE_BYTES + ')');
        }
        out.ensureWritable(length);
        out.writeByte(VERSION).writeByte(length / 4).writeShort(MAGIC);
        for (ConvertTlv tlv : message.tlvs()) {
            writeTlv(tlv, out);
        }
    }

    /** Returns the encoding of {@code message}; see {@link #encode(ConvertMessage, ByteBuf)}. */
    public static byte[] encode(ConvertMessage message) {
        ByteBuf buf = Unpooled.buffer(64);
        try {
            encode(message, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** Decodes with the largest possible message, 1020 bytes; see {@link #decode(ByteBuf, int)}. */
    public static ConvertMessage decode(ByteBuf in) throws ConvertException {
        return decode(in, MAX_MESSAGE_BYTES);
    }

    /**
     * Decodes one message from the readable bytes of {@code in}.
     *
     * @param maxMessageBytes the largest message accepted (4-1020); a longer Total Length
     *                        fails with {@link ConvertErrorCode#RESOURCE_EXCEEDED}
     * @return the message, having consumed exactly its bytes (following bytes stay
     *         unread); or null, having consumed nothing, if the message is not complete yet
     * @throws ConvertException if the bytes are not a valid message
     */
    public static ConvertMessage decode(ByteBuf in, int maxMessageBytes) throws ConvertException {
        checkMaxMessageBytes(maxMessageBytes);
        int base = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < 1) {
            return null;
        }
        int version = in.getUnsignedByte(base);
        if (version != VERSION) {
            throw new ConvertException(UNSUPPORTED_VERSION,
                    "convert: version " + version + " (expected: " + VERSION + ')');
        }
        if (readable < 2) {
            return null;
        }
        int length = in.getUnsignedByte(base + 1) * 4;
        if (length == 0) {
            throw new ConvertException(MALFORMED_MESSAGE, "convert: total length 0 (expected: >= 1)");
        }
        if (length > maxMessageBytes) {
            throw new ConvertException(RESOURCE_EXCEEDED, "convert: message length " + length
                    + " bytes (expected: <= " + maxMessageBytes + ')');
        }
        if (readable < HEADER_BYTES) {
            return null;
        }
        int magic = in.getUnsignedShort(base + 2);
        if (magic != MAGIC) {
            throw new ConvertException(MALFORMED_MESSAGE, String.format(
                    "convert: magic 0x%04x (expected: 0x%04x)", magic, MAGIC));
        }
        if (readable < length) {
            return null;
        }
        List<ConvertTlv> tlvs = new ArrayList<>();
        int offset = HEADER_BYTES;
        while (offset < length) {
            int type = in.getUnsignedByte(base + offset);
            int tlvLength = in.getUnsignedByte(base + offset + 1) * 4;
            if (tlvLength == 0) {
                throw malformed("TLV length 0 at offset " + offset + " (expected: >= 1)");
            }
            if (offset + tlvLength > length) {
                throw malformed("TLV at offset " + offset + " ends at byte " + (offset + tlvLength)
                        + " (expected: <= " + length + ')');
            }
            tlvs.add(decodeTlv(in, base + offset, type, tlvLength, offset));
            offset += tlvLength;
        }
        in.skipBytes(length);
        return new ConvertMessage(tlvs);
    }

    static void checkMaxMessageBytes(int maxMessageBytes) {
        if (maxMessageBytes < HEADER_BYTES || maxMessageBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes
                    + " (expected: " + HEADER_BYTES + ".." + MAX_MESSAGE_BYTES + ')');
        }
    }

    private static ConvertTlv decodeTlv(ByteBuf in, int start, int type, int length, int offset)
            throws ConvertException {
        switch (type) {
            case InfoTlv.TYPE:
                if (length != 4) {
                    throw malformed("Info TLV length " + length / 4 + " words at offset " + offset
                            + " (expected: 1)");
                }
                return new InfoTlv();
            case ConnectTlv.TYPE:
                if (length < CONNECT_BYTES) {
                    throw malformed("Connect TLV length " + length / 4 + " words at offset " + offset
                            + " (expected: >= 5)");
                }
                int port = in.getUnsignedShort(start + 2);
                InetAddress address = address(bytes(in, start + 4, 16));
                byte[] options = bytes(in, start + CONNECT_BYTES, length - CONNECT_BYTES);
                TcpOption.parseList(options, offset + CONNECT_BYTES);
                return new ConnectTlv(new InetSocketAddress(address, port), options);
            case ExtendedTcpHeaderTlv.TYPE:
                return new ExtendedTcpHeaderTlv(bytes(in, start + 4, length - 4));
            case SupportedTcpExtensionsTlv.TYPE:
                return supportedTcpExtensions(bytes(in, start + 4, length - 4), offset);
            case CookieTlv.TYPE:
                return new CookieTlv(bytes(in, start + 4, length - 4));
            case ErrorTlv.TYPE:
                int code = in.getUnsignedByte(start + 2);
                ConvertErrorCode errorCode = ConvertErrorCode.fromCode(code).orElseThrow(() ->
                        new ConvertException(UNSUPPORTED_MESSAGE,
                                "convert: unknown error code " + code + " at offset " + offset));
                return new ErrorTlv(errorCode, bytes(in, start + 3, length - 3));
            case PoolHelloTlv.TYPE:
                checkExtensionTlv(in, start, "pool hello", length, PoolHelloTlv.BYTES, offset);
                return new PoolHelloTlv(in.getUnsignedByte(start + 3), in.getLong(start + 4),
                        bytes(in, start + 12, PoolHelloTlv.NONCE_BYTES),
                        bytes(in, start + 12 + PoolHelloTlv.NONCE_BYTES, PoolHelloTlv.MAC_BYTES));
            case PoolAckTlv.TYPE:
                checkExtensionTlv(in, start, "pool ack", length, PoolAckTlv.BYTES, offset);
                return new PoolAckTlv(in.getUnsignedInt(start + 4));
            case AttemptTlv.TYPE:
                checkExtensionTlv(in, start, "attempt", length, AttemptTlv.BYTES, offset);
                return new AttemptTlv(in.getUnsignedByte(start + 3), bytes(in, start + 4, AttemptTlv.ID_BYTES));
            default:
                throw new ConvertException(UNSUPPORTED_MESSAGE,
                        "convert: unsupported TLV type " + type + " at offset " + offset);
        }
    }

    private static void checkExtensionTlv(ByteBuf in, int start, String name, int length, int expected, int offset)
            throws ConvertException {
        if (length != expected) {
            throw malformed(name + " TLV length " + length / 4 + " words at offset " + offset
                    + " (expected: " + expected / 4 + ')');
        }
        int version = in.getUnsignedByte(start + 2);
        if (version != PoolHelloTlv.VERSION) {
            throw new ConvertException(UNSUPPORTED_MESSAGE, "convert: " + name + " version " + version
                    + " at offset " + offset + " (expected: " + PoolHelloTlv.VERSION + ')');
        }
    }

    private static SupportedTcpExtensionsTlv supportedTcpExtensions(byte[] raw, int offset)
            throws ConvertException {
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        if (raw.length - end > 3) {
            throw malformed("Supported TCP Extensions TLV at offset " + offset + " has "
                    + (raw.length - end) + " padding bytes (expected: <= 3)");
        }
        List<Integer> kinds = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            if (raw[i] == 0) {
                throw malformed("TCP option kind 0 at offset " + (offset + 4 + i)
                        + " (expected: 1..255)");
            }
            kinds.add(raw[i] & 0xff);
        }
        return new SupportedTcpExtensionsTlv(kinds);
    }

    private static InetAddress address(byte[] address) {
        try {
            // getByAddress returns an Inet4Address for an IPv4-mapped address.
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError("16-byte address rejected", e);
        }
    }

    private static byte[] bytes(ByteBuf in, int index, int length) {
        byte[] bytes = new byte[length];
        in.getBytes(index, bytes);
        return bytes;
    }

    private static ConvertException malformed(String problem) {
        return new ConvertException(MALFORMED_MESSAGE, "convert: " + problem);
    }

    private static int tlvBytes(ConvertTlv tlv) {
        if (tlv instanceof InfoTlv) {
            return 4;
        } else if (tlv instanceof ConnectTlv connect) {
            return CONNECT_BYTES + connect.tcpOptions().length;
        } else if (tlv instanceof ExtendedTcpHeaderTlv header) {
            return 4 + header.tcpHeader().length;
        } else if (tlv instanceof SupportedTcpExtensionsTlv supported) {
            return 4 + (supported.kinds().size() + 3) / 4 * 4;
        } else if (tlv instanceof CookieTlv cookie) {
            return 4 + cookie.opaque().length;
        } else if (tlv instanceof PoolHelloTlv) {
            return PoolHelloTlv.BYTES;
        } else if (tlv instanceof PoolAckTlv) {
            return PoolAckTlv.BYTES;
        } else if (tlv instanceof AttemptTlv) {
            return AttemptTlv.BYTES;
        } else {
            return 3 + ((ErrorTlv) tlv).value().length;
        }
    }

    private static void writeTlv(ConvertTlv tlv, ByteBuf out) {
        int length = tlvBytes(tlv);
        out.writeByte(tlv.type()).writeByte(length / 4);
        if (tlv instanceof InfoTlv) {
            out.writeShort(0);
        } else if (tlv instanceof ConnectTlv connect) {
            InetSocketAddress destination = connect.destination();
            out.writeShort(destination.getPort());
            byte[] address = destination.getAddress().getAddress();
            if (address.length == 4) {
                out.writeZero(10).writeShort(0xffff);
            }
            out.writeBytes(address).writeBytes(connect.tcpOptions());
        } else if (tlv instanceof ExtendedTcpHeaderTlv header) {
            out.writeShort(0).writeBytes(header.tcpHeader());
        } else if (tlv instanceof SupportedTcpExtensionsTlv supported) {
            out.writeShort(0);
            for (int kind : supported.kinds()) {
                out.writeByte(kind);
            }
            out.writeZero(length - 4 - supported.kinds().size());
        } else if (tlv instanceof CookieTlv cookie) {
            out.writeShort(0).writeBytes(cookie.opaque());
        } else if (tlv instanceof PoolHelloTlv hello) {
            out.writeByte(PoolHelloTlv.VERSION).writeByte(hello.flags()).writeLong(hello.timestampMillis())
                    .writeBytes(hello.nonce()).writeBytes(hello.mac());
        } else if (tlv instanceof PoolAckTlv ack) {
            out.writeByte(PoolHelloTlv.VERSION).writeByte(0).writeInt((int) ack.idleTimeoutMillis());
        } else if (tlv instanceof AttemptTlv attempt) {
            out.writeByte(AttemptTlv.VERSION).writeByte(attempt.flags()).writeBytes(attempt.id());
        } else {
            ErrorTlv error = (ErrorTlv) tlv;
            out.writeByte(error.code().code()).writeBytes(error.value());
        }
    }
}
