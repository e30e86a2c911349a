package org.haap.core.convert;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The Cookie TLV (type 22): Type, Length, a 16-bit Zero field, then an opaque value that
 * the converter uses to authorize the client, zero-padded to a word boundary. Cookie
 * {@code "abc"} is sent as {@code 16 02 00 00 61 62 63 00}, so it decodes as
 * {@code "abc\0"}: compare cookies with {@link #matches(byte[])}, not by array equality.
 *
 * @param opaque the cookie, zero-padded to a multiple of 4 bytes
 */
public record CookieTlv(byte[] opaque) implements ConvertTlv {

    /** The wire type. */
    public static final int TYPE = 22;

    /** Copies and pads; {@code opaque} may be null (empty). */
    public CookieTlv {
        opaque = WireBytes.padded(opaque, 0);
    }

    @Override
    public int type() {
        return TYPE;
    }

    /** Returns a copy of the padded cookie. */
    @Override
    public byte[] opaque() {
        return opaque.clone();
    }

    /**
     * Returns whether this cookie equals {@code cookie} once that is padded as on the wire;
     * constant time for equal lengths.
     */
    public boolean matches(byte[] cookie) {
        return MessageDigest.isEqual(opaque, WireBytes.padded(cookie, 0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CookieTlv other && Arrays.equals(opaque, other.opaque);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(opaque);
    }

    @Override
    public String toString() {
        return "CookieTlv[opaque=" + WireBytes.hex(opaque) + ']';
    }
}
