package org.haap.core.convert;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One TCP option as Convert messages carry them (RFC 8803 section 6.2.5, Figure 19): Kind
 * (8 bits), Length (8 bits, the whole option in bytes, at least 2) and {@code Length - 2}
 * bytes of value; a length of 2 means no value ("the converter generates its own"). The
 * Connect TLV's TCP Options field and the options in an Extended TCP Header TLV are lists of
 * these. Kinds 0 (End of Option List) and 1 (No-Operation) have no length byte, so they are
 * never an instance of this record: a client must not send them in a Connect TLV (section
 * 6.2.5) and a converter ignores them there (section 7.1), so {@link #parseList} skips each
 * such byte; the zero bytes that pad the field to a word boundary are such bytes.
 *
 * @param kind  the option kind, 2-255
 * @param value the value, 0-253 bytes
 */
public record TcpOption(int kind, byte[] value) {

    /** Maximum Segment Size (RFC 9293). */
    public static final int MSS = 2;
    /** Window Scale (RFC 7323). */
    public static final int WINDOW_SCALE = 3;
    /** SACK Permitted (RFC 2018). */
    public static final int SACK_PERMITTED = 4;
    /** Timestamps (RFC 7323). */
    public static final int TIMESTAMPS = 8;
    /** Multipath TCP (RFC 8684). */
    public static final int MPTCP = 30;

    /** Validates and copies; {@code value} may be null (none). */
    public TcpOption {
        if (kind < 2 || kind > 255) {
            throw new IllegalArgumentException("kind: " + kind + " (expected: 2..255)");
        }
        value = value == null ? WireBytes.EMPTY : value.clone();
        if (value.length > 253) {
            throw new IllegalArgumentException("value: " + value.length + " bytes (expected: <= 253)");
        }
    }

    /** An option without a value (Length 2). */
    public static TcpOption of(int kind) {
        return new TcpOption(kind, null);
    }

    /** Returns a copy of the value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /**
     * Parses the Connect TLV's TCP Options field: options with a length, among which any
     * byte 0 (End of Option List, also the padding) or 1 (No-Operation) is a one-byte option
     * that is skipped, as RFC 8803 section 7.1 has a converter ignore them.
     *
     * @param field  the bytes (an empty field is an empty list)
     * @param offset where the field starts in its message, for error messages
     * @throws ConvertException ({@link ConvertErrorCode#MALFORMED_MESSAGE}) for a length
     *                          below 2 or past the end of the field
     */
    public static List<TcpOption> parseList(byte[] field, int offset) throws ConvertException {
        List<TcpOption> options = new ArrayList<>();
        int i = 0;
        while (i < field.length) {
            int kind = field[i] & 0xff;
            if (kind <= 1) {
                i++;
                continue;
            }
            int length = i + 1 < field.length ? field[i + 1] & 0xff : -1;
            if (length < 2 || i + length > field.length) {
                throw malformed("TCP option kind " + kind + " at offset " + (offset + i) + " has length "
                        + length + " (expected: 2.." + (field.length - i) + ')');
            }
            options.add(new TcpOption(kind, Arrays.copyOfRange(field, i + 2, i + length)));
            i += length;
        }
        return options;
    }

    /** The options back to back as on the wire, without padding. */
    public static byte[] encodeList(List<TcpOption> options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TcpOption o : options) {
            out.write(o.kind);
            out.write(2 + o.value.length);
            out.writeBytes(o.value);
        }
        return out.toByteArray();
    }

    private static ConvertException malformed(String problem) {
        return new ConvertException(ConvertErrorCode.MALFORMED_MESSAGE, "convert: " + problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpOption other && kind == other.kind && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * kind + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "TcpOption[kind=" + kind + ", value=" + WireBytes.hex(value) + ']';
    }
}
