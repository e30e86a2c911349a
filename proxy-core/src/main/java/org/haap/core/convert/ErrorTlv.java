package org.haap.core.convert;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The Error TLV (type 30): Type, Length, Error Code (8 bits), then a value whose meaning
 * depends on the code, zero-padded to a word boundary. For
 * {@link ConvertErrorCode#DESTINATION_UNREACHABLE} the value echoes the ICMP code
 * ({@code 1e 01 61 00} = destination unreachable, ICMP code 0); for codes whose value is
 * ignored it is a single zero byte. The value therefore always has {@code 4n + 1} bytes.
 *
 * @param code  the error code
 * @param value the value, zero-padded so that the TLV fills whole words
 */
public record ErrorTlv(ConvertErrorCode code, byte[] value) implements ConvertTlv {

    /** The wire type. */
    public static final int TYPE = 30;

    /** Validates, copies and pads; {@code value} may be null (empty). */
    public ErrorTlv {
        Objects.requireNonNull(code, "code");
        value = WireBytes.padded(value, 3);
    }

    /** Creates an Error TLV whose value is a single zero byte. */
    public ErrorTlv(ConvertErrorCode code) {
        this(code, null);
    }

    @Override
    public int type() {
        return TYPE;
    }

    /** Returns a copy of the (padded) value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /**
     * Returns the value as an unsigned int when it is a single byte (the Error TLV is one
     * word long), such as the ICMP code of {@link ConvertErrorCode#DESTINATION_UNREACHABLE};
     * empty for longer values.
     */
    public OptionalInt valueAsInt() {
        return value.length == 1 ? OptionalInt.of(value[0] & 0xff) : OptionalInt.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorTlv other && code == other.code && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * code.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "ErrorTlv[code=" + code + ", value=" + WireBytes.hex(value) + ']';
    }
}
