package org.haap.ap.probe;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haap.config.CookiePolicy;

/**
 * The AP's half of the HAAP link probe (40 bytes: magic "HAPB", version 1, type 1 = probe /
 * 2 = reply, 2 reserved bytes, 8-byte sequence, 8-byte timestamp, 16-byte truncated
 * HMAC-SHA256 of the first 24 bytes; see {@code org.haap.gateway.link.ProbeCodec}). A probe
 * is answered when its MAC verifies under the key of one of the accepted cookies, or of no
 * cookie unless cookies are required; the reply is the same datagram with type 2 and a MAC
 * under the same key. Key = SHA-256("haap-probe-v1" || 0x00 || cookie). One instance per
 * thread ({@link Mac} is not thread-safe).
 */
public final class ProbeAuthenticator {

    /** Length of a probe and of a reply. */
    public static final int LENGTH = 40;
    static final int MAGIC = 0x48415042;
    static final int VERSION = 1;
    static final int TYPE_PROBE = 1;
    static final int TYPE_REPLY = 2;
    private static final int HEADER = 24;
    private static final int MAC_LENGTH = 16;

    /** Why a datagram gets no reply (label {@code reason}). */
    public enum Rejection {
        /** Not a HAAP probe: length, magic, version, type or reserved bits. */
        MALFORMED,
        /** A probe whose MAC verifies under no accepted key. */
        AUTH,
        /** Over the per-source rate. */
        RATE,
        /** From an address outside {@code clients.allow}. */
        CLIENT
    }

    private final List<Mac> macs = new ArrayList<>();

    /** The keys of {@code cookies}: every accepted cookie, plus no cookie unless required. */
    public ProbeAuthenticator(CookiePolicy cookies) {
        if (!cookies.required()) {
            macs.add(mac(key(null)));
        }
        for (String c : cookies.accepted()) {
            macs.add(mac(key(c.getBytes(StandardCharsets.UTF_8))));
        }
    }

    /** SHA-256("haap-probe-v1" || 0x00 || cookie); {@code null} = no cookie. */
    static byte[] key(byte[] cookie) {
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

    /**
     * Checks the probe in {@code in}'s readable bytes (not moving its indexes) and, when it
     * is good, writes the reply to {@code reply}.
     *
     * @return null when answered, otherwise why not ({@code reply} untouched)
     */
    public Rejection answer(ByteBuf in, ByteBuf reply) {
        if (in.readableBytes() != LENGTH) {
            return Rejection.MALFORMED;
        }
        int at = in.readerIndex();
        if (in.getInt(at) != MAGIC || in.getUnsignedByte(at + 4) != VERSION
                || in.getUnsignedByte(at + 5) != TYPE_PROBE || in.getShort(at + 6) != 0) {
            return Rejection.MALFORMED;
        }
        byte[] header = new byte[HEADER];
        in.getBytes(at, header);
        byte[] received = new byte[MAC_LENGTH];
        in.getBytes(at + HEADER, received);
        for (Mac mac : macs) {
            byte[] expected = Arrays.copyOf(mac.doFinal(header), MAC_LENGTH);
            if (MessageDigest.isEqual(expected, received)) {
                header[5] = TYPE_REPLY;
                reply.writeBytes(header);
                reply.writeBytes(mac.doFinal(header), 0, MAC_LENGTH);
                return null;
            }
        }
        return Rejection.AUTH;
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
