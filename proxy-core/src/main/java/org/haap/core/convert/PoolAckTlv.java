package org.haap.core.convert;

/**
 * HAAP extension, private-use TLV type 193 "pool ack": the aggregation point's answer to a
 * valid {@link PoolHelloTlv}. Two words on the wire:
 * <pre>
 *  c1 02 VV 00 | pool idle timeout (4 bytes, milliseconds, big endian)
 * </pre>
 * VV is the extension version ({@value PoolHelloTlv#VERSION}); the byte after it is zero and
 * ignored on receipt. The connection then stays open, idle, until the gateway sends a normal
 * Convert Connect message on it or the timeout passes (then the aggregation point closes it).
 *
 * @param idleTimeoutMillis how long the aggregation point keeps the idle connection, 0..2^32-1
 */
public record PoolAckTlv(long idleTimeoutMillis) implements ConvertTlv {

    /** The wire type (private use, RFC 8803 section 7). */
    public static final int TYPE = 193;
    /** The TLV's length in bytes (2 words). */
    public static final int BYTES = 8;

    /** Validates. */
    public PoolAckTlv {
        if (idleTimeoutMillis < 0 || idleTimeoutMillis > 0xffff_ffffL) {
            throw new IllegalArgumentException("idleTimeoutMillis: " + idleTimeoutMillis
                    + " (expected: 0..4294967295)");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }
}
