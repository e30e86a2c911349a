package org.haap.gateway.link;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's half of the HAAP link probe (UDP, both directions {@value #LENGTH} bytes,
 * big-endian):
 * <pre>
 *  0  4  magic 0x48415042 ("HAPB")
 *  4  1  version 1
 *  5  1  type: 1 = probe (gateway to AP), 2 = reply (AP to gateway)
 *  6  2  reserved, 0
 *  8  8  sequence number (per WAN, echoed)
 * 16  8  the gateway's send timestamp in ns (opaque to the AP, echoed)
 * 24 16  MAC: HMAC-SHA256(key, bytes 0..23), first 16 bytes
 * </pre>
 * {@code key} = SHA-256("haap-probe-v1" || 0x00 || cookie as UTF-8), the cookie being the
 * gateway's RFC 8803 Cookie (empty when it has none). The AP answers a probe whose MAC it can
 * verify with one of the keys of its accepted cookies by the same datagram with type 2 and a
 * MAC under the same key, so neither side acts on a datagram an attacker could make without
 * the cookie, and a reply is never larger than the probe. The AP's half is
 * {@code org.haap.ap.probe.ProbeAuthenticator}. One instance per thread ({@link Mac} is not
 * thread-safe).
 */
public final class ProbeCodec {

    /** Length of a probe and of a reply. */
    public static final int LENGTH = 40;
    /** "HAPB". */
    public static final int MAGIC = 0x48415042;
    /** The only version. */
    public static final int VERSION = 1;
    /** Type of a probe. */
    public static final int TYPE_PROBE = 1;
    /** Type of a reply. */
    public static final int TYPE_REPLY = 2;
    /** Bytes covered by the MAC. */
    static final int HEADER = 24;
    /** MAC bytes on the wire. */
    static final int MAC_LENGTH = 16;

    private final Mac mac;

    /** @param key from {@link #key(byte[])} */
    public ProbeCodec(byte[] key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The probe key for {@code cookie} (its RFC 8803 Cookie bytes; {@code null} or empty = none). */
    public static byte[] key(byte[] cookie) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("haap-probe-v1".getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            if (cookie != null) {
                sha.update(cookie);
            }
            return sha.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Writes a probe (type 1) to {@code out}. */
    public void writeProbe(ByteBuf out, long sequence, long timestampNanos) {
        write(out, TYPE_PROBE, sequence, timestampNanos);
    }

    /** Writes a datagram of {@code type} (used by tests to build replies too). */
    void write(ByteBuf out, int type, long sequence, long timestampNanos) {
        byte[] header = new byte[HEADER];
        io.netty.buffer.Unpooled.wrappedBuffer(header).writerIndex(0)
                .writeInt(MAGIC).writeByte(VERSION).writeByte(type).writeShort(0)
                .writeLong(sequence).writeLong(timestampNanos);
        out.writeBytes(header);
        out.writeBytes(mac.doFinal(header), 0, MAC_LENGTH);
    }

    /**
     * The sequence number of the reply in {@code in} (its readable bytes), or -1 if it is not
     * a well-formed reply under this codec's key. Does not move the reader index.
     */
    public long readReply(ByteBuf in) {
        if (in.readableBytes() != LENGTH) {
            return -1;
        }
        int at = in.readerIndex();
        if (in.getInt(at) != MAGIC || in.getUnsignedByte(at + 4) != VERSION
                || in.getUnsignedByte(at + 5) != TYPE_REPLY || in.getShort(at + 6) != 0) {
            return -1;
        }
        byte[] header = new byte[HEADER];
        in.getBytes(at, header);
        byte[] received = new byte[MAC_LENGTH];
        in.getBytes(at + HEADER, received);
        byte[] expected = mac.doFinal(header);
        if (!MessageDigest.isEqual(java.util.Arrays.copyOf(expected, MAC_LENGTH), received)) {
            return -1;
        }
        return in.getLong(at + 8);
    }
}
