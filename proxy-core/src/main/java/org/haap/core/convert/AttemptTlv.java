package org.haap.core.convert;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * HAAP extension, private-use TLV type 194 "attempt": names the LAN connection a Connect
 * belongs to, so that the aggregation point acts on it once although a gateway sends it on
 * several racing connections (one per WAN, each in its SYN with TCP Fast Open; see
 * {@code docs/fast-open.md}). Five words on the wire:
 * <pre>
 *  c2 05 VV FF | connection id (16 bytes)
 * </pre>
 * VV is the extension version ({@value #VERSION}), FF flags (0; ignored on receipt). Every
 * attempt of one LAN connection carries the same id; the aggregation point connects upstream
 * for the first Connect with an id it has not seen within its attempt window and answers
 * every later one with Error {@link ConvertErrorCode#DUPLICATE_ATTEMPT}, before it reads
 * anything after the Convert message. The id is not a secret (the Cookie TLV authorizes).
 *
 * @param flags 8 bits, 0 for now
 * @param id    16 bytes, unique per LAN connection
 */
public record AttemptTlv(int flags, byte[] id) implements ConvertTlv {

    /** The wire type (private use, RFC 8803 section 7). */
    public static final int TYPE = 194;
    /** The only version of the extension. */
    public static final int VERSION = 1;
    /** The id length. */
    public static final int ID_BYTES = 16;
    /** The TLV's length in bytes (5 words). */
    public static final int BYTES = 4 + ID_BYTES;

    /** Validates and copies. */
    public AttemptTlv {
        if (flags < 0 || flags > 255) {
            throw new IllegalArgumentException("flags: " + flags + " (expected: 0..255)");
        }
        id = Objects.requireNonNull(id, "id").clone();
        if (id.length != ID_BYTES) {
            throw new IllegalArgumentException("id: " + id.length + " bytes (expected: " + ID_BYTES + ')');
        }
    }

    /** An attempt TLV with no flags. */
    public static AttemptTlv of(byte[] id) {
        return new AttemptTlv(0, id);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttemptTlv other && flags == other.flags && Arrays.equals(id, other.id);
    }

    @Override
    public int hashCode() {
        return 31 * flags + Arrays.hashCode(id);
    }

    @Override
    public String toString() {
        return "AttemptTlv[flags=" + flags + ", id=" + HexFormat.of().formatHex(id) + ']';
    }
}
