package org.haap.core.probe;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HAAP link probe (UDP, both directions {@value #LENGTH} bytes, big-endian):
 * <pre>
 *  0  4  magic 0x48415042 ("HAPB")
 *  4  1  version 1
 *  5  1  type: 1 = probe (gateway to AP), 2 = reply (AP to gateway)
 *  6  2  reserved, 0
 *  8  8  sequence number (per WAN, echoed)
 * 16  8  the gateway's send timestamp in ns (opaque to the AP, echoed)
 * 24 16  MAC: HMAC-SHA256(key, bytes 0..23), first 16 bytes
 * </pre>
 * {@code key} = SHA-256("haap-probe-v1" || 0x00 || cookie), the cookie being the gateway's
 * RFC 8803 Cookie as UTF-8 (nothing when it has none). The AP answers a probe whose MAC it
 * can verify under one of its accepted cookies' keys with the same datagram, type 2 and a MAC
 * under the same key, so neither side acts on a datagram made without the cookie and a reply
 * is never larger than the probe. Stateless helpers; a {@link Mac} is not thread-safe, so
 * each user keeps its own.
 */
public final class ProbeFormat {

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
    /** Bytes covered by the MAC (everything before it). */
    public static final int HEADER = 24;
    /** MAC bytes on the wire. */
    public static final int MAC_LENGTH = 16;

    private ProbeFormat() {
    }

    /** The probe key for {@code cookie} (its RFC 8803 Cookie bytes; {@code null} = none). */
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

    /** An HMAC-SHA256 keyed with {@code key} (from {@link #key}). */
    public static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The {@value #HEADER} bytes before the MAC of a datagram of {@code type}. */
    public static byte[] header(int type, long sequence, long timestampNanos) {
        return ByteBuffer.allocate(HEADER).putInt(MAGIC).put((byte) VERSION).put((byte) type).putShort((short) 0)
                .putLong(sequence).putLong(timestampNanos).array();
    }

    /** Writes {@code header} and its MAC under {@code mac} to {@code out}. */
    public static void write(ByteBuf out, byte[] header, Mac mac) {
        out.writeBytes(header);
        out.writeBytes(mac.doFinal(header), 0, MAC_LENGTH);
    }

    /**
     * The header of the datagram in {@code in}'s readable bytes if it is {@value #LENGTH}
     * bytes of this version with the right magic, {@code type} and zero reserved bits;
     * otherwise {@code null}. Does not move the reader index.
     */
    public static byte[] wellFormedHeader(ByteBuf in, int type) {
        if (in.readableBytes() != LENGTH) {
            return null;
        }
        int at = in.readerIndex();
        if (in.getInt(at) != MAGIC || in.getUnsignedByte(at + 4) != VERSION
                || in.getUnsignedByte(at + 5) != type || in.getShort(at + 6) != 0) {
            return null;
        }
        byte[] header = new byte[HEADER];
        in.getBytes(at, header);
        return header;
    }

    /** Whether the MAC in {@code in} (after the header) is {@code header}'s under {@code mac}. */
    public static boolean verifies(ByteBuf in, byte[] header, Mac mac) {
        byte[] received = new byte[MAC_LENGTH];
        in.getBytes(in.readerIndex() + HEADER, received);
        return MessageDigest.isEqual(Arrays.copyOf(mac.doFinal(header), MAC_LENGTH), received);
    }

    /** The sequence number in {@code header}. */
    public static long sequence(byte[] header) {
        return ByteBuffer.wrap(header).getLong(8);
    }
}
