package org.haap.core.convert;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HAAP extension, private-use TLV type 192 "pool hello": a gateway asks the aggregation
 * point to keep this connection open, idle, as a member of its warm pool (see
 * {@code docs/warm-pool.md}). Fifteen words on the wire:
 * <pre>
 *  c0 0f VV FF | timestamp (8 bytes, Unix ms, big endian) | nonce (16 bytes) | mac (32 bytes)
 * </pre>
 * VV is the extension version ({@value #VERSION}), FF flags (0; ignored on receipt). The mac
 * is HMAC-SHA256, keyed with the gateway's Convert cookie (UTF-8 bytes), over the ASCII label
 * {@code "HAAP pool hello 1"} followed by the first 28 bytes of the TLV (type through nonce).
 * The cookie itself never crosses the wire; the timestamp and nonce let the receiver refuse
 * replays (see {@code docs/warm-pool.md}).
 *
 * @param flags           8 bits, 0 for now
 * @param timestampMillis when the hello was made, Unix time in milliseconds
 * @param nonce           16 random bytes
 * @param mac             the 32-byte HMAC-SHA256
 */
public record PoolHelloTlv(int flags, long timestampMillis, byte[] nonce, byte[] mac) implements ConvertTlv {

    /** The wire type (private use, RFC 8803 section 7). */
    public static final int TYPE = 192;
    /** The only version of the extension. */
    public static final int VERSION = 1;
    /** The nonce length. */
    public static final int NONCE_BYTES = 16;
    /** The mac length. */
    public static final int MAC_BYTES = 32;
    /** The TLV's length in bytes (15 words). */
    public static final int BYTES = 4 + 8 + NONCE_BYTES + MAC_BYTES;

    private static final byte[] LABEL = "HAAP pool hello 1".getBytes(StandardCharsets.US_ASCII);
    private static final int SIGNED_BYTES = 4 + 8 + NONCE_BYTES;

    /** Validates and copies. */
    public PoolHelloTlv {
        if (flags < 0 || flags > 255) {
            throw new IllegalArgumentException("flags: " + flags + " (expected: 0..255)");
        }
        nonce = Objects.requireNonNull(nonce, "nonce").clone();
        mac = Objects.requireNonNull(mac, "mac").clone();
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce: " + nonce.length + " bytes (expected: " + NONCE_BYTES + ')');
        }
        if (mac.length != MAC_BYTES) {
            throw new IllegalArgumentException("mac: " + mac.length + " bytes (expected: " + MAC_BYTES + ')');
        }
    }

    /**
     * Makes a signed hello.
     *
     * @param key             the gateway's cookie bytes (not empty)
     * @param timestampMillis the current Unix time in milliseconds
     * @param nonce           16 fresh random bytes
     */
    public static PoolHelloTlv sign(byte[] key, long timestampMillis, byte[] nonce) {
        PoolHelloTlv unsigned = new PoolHelloTlv(0, timestampMillis, nonce, new byte[MAC_BYTES]);
        return new PoolHelloTlv(0, timestampMillis, nonce, hmac(key, unsigned.signedBytes()));
    }

    /** Whether {@link #mac()} is the HMAC of this hello under {@code key}; constant time. */
    public boolean verifies(byte[] key) {
        if (key == null || key.length == 0) {
            return false;
        }
        return MessageDigest.isEqual(mac, hmac(key, signedBytes()));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** The 28 bytes the mac covers: type, length, version, flags, timestamp, nonce. */
    byte[] signedBytes() {
        return ByteBuffer.allocate(SIGNED_BYTES)
                .put((byte) TYPE).put((byte) (BYTES / 4)).put((byte) VERSION).put((byte) flags)
                .putLong(timestampMillis).put(nonce).array();
    }

    private static byte[] hmac(byte[] key, byte[] signed) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("key: empty (expected: the cookie's bytes)");
        }
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(LABEL);
            return m.doFinal(signed);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("key: rejected by HmacSHA256", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolHelloTlv other && flags == other.flags && timestampMillis == other.timestampMillis
                && Arrays.equals(nonce, other.nonce) && Arrays.equals(mac, other.mac);
    }

    @Override
    public int hashCode() {
        return Objects.hash(flags, timestampMillis, Arrays.hashCode(nonce), Arrays.hashCode(mac));
    }

    @Override
    public String toString() {
        return "PoolHelloTlv[flags=" + flags + ", timestampMillis=" + timestampMillis
                + ", nonce=" + WireBytes.hex(nonce) + ", mac=" + WireBytes.hex(mac) + ']';
    }
}
