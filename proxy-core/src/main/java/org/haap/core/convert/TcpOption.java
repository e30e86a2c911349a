package org.haap.core.convert;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One TCP option as Convert messages carry them (RFC 8803 section 4.2.5, Figure 19): Kind
 * (8 bits), Length (8 bits, the whole option in bytes, at least 2) and {@code Length - 2}
 * bytes of value; a length of 2 means no value ("the converter generates its own"). The
 * Connect TLV's TCP Options field and the options in an Extended TCP Header TLV are lists of
 * these. Kinds 0 (End of Option List) and 1 (No-Operation) have no length byte and cannot be
 * in such a list; zero bytes after the last option are padding to a word boundary.
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
     * Parses a list of options followed by at most 3 zero bytes of padding, as in the Connect
     * TLV's TCP Options field.
     *
     * @param field  the bytes (an empty field is an empty list)
     * @param offset where the field starts in its message, for error messages
     * @throws ConvertException ({@link ConvertErrorCode#MALFORMED_MESSAGE}) for a kind 1, a
     *                          length below 2 or past the end, or more than 3 padding bytes
     */
    public static List<TcpOption> parseList(byte[] field, int offset) throws ConvertException {
        List<TcpOption> options = new ArrayList<>();
        int i = 0;
        while (i < field.length && field[i] != 0) {
            int kind = field[i] & 0xff;
            if (kind == 1) {
                throw malformed("TCP option kind 1 (No-Operation) at offset " + (offset + i)
                        + " (expected: an option with a length, kind >= 2)");
            }
            int length = i + 1 < field.length ? field[i + 1] & 0xff : -1;
            if (length < 2 || i + length > field.length) {
                throw malformed("TCP option kind " + kind + " at offset " + (offset + i) + " has length "
                        + length + " (expected: 2.." + (field.length - i) + ')');
            }
            options.add(new TcpOption(kind, Arrays.copyOfRange(field, i + 2, i + length)));
            i += length;
        }
        for (int p = i; p < field.length; p++) {
            if (field[p] != 0 || field.length - i > 3) {
                throw malformed("TCP options at offset " + (offset + i) + " end with " + (field.length - i)
                        + " bytes that are not options (expected: <= 3 zero bytes of padding)");
            }
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
