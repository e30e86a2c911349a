package org.haap.ap.probe;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import org.haap.config.CookiePolicy;
import org.haap.core.probe.ProbeFormat;

/**
 * The AP's half of the HAAP link probe ({@link ProbeFormat} has the wire format and the key
 * derivation; the gateway's half is {@code org.haap.gateway.link.ProbeCodec}). A probe is
 * answered when its MAC verifies under the key of one of the accepted cookies, or of no
 * cookie unless cookies are required; the reply is the same datagram with type 2 and a MAC
 * under the same key. One instance per thread ({@link Mac} is not thread-safe).
 */
public final class ProbeAuthenticator {

    /** Length of a probe and of a reply. */
    public static final int LENGTH = ProbeFormat.LENGTH;

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
            macs.add(ProbeFormat.mac(ProbeFormat.key(null)));
        }
        for (String c : cookies.accepted()) {
            macs.add(ProbeFormat.mac(ProbeFormat.key(c.getBytes(StandardCharsets.UTF_8))));
        }
    }

    /**
     * The outcome of {@link #verify}: authentic (then {@link #writeReply} answers it) or
     * {@link #rejection() why not}.
     */
    public static final class Verdict {
        private static final Verdict MALFORMED = new Verdict(Rejection.MALFORMED, null, null);
        private static final Verdict UNAUTHENTIC = new Verdict(Rejection.AUTH, null, null);

        private final Rejection rejection;
        private final byte[] header;
        private final Mac mac;

        private Verdict(Rejection rejection, byte[] header, Mac mac) {
            this.rejection = rejection;
            this.header = header;
            this.mac = mac;
        }

        /** Null for an authentic probe, otherwise why it gets no reply. */
        public Rejection rejection() {
            return rejection;
        }

        /** Writes the reply to the authentic probe: its header with type 2, MAC'd under the same key. */
        public void writeReply(ByteBuf reply) {
            if (rejection != null) {
                throw new IllegalStateException("no reply to a rejected probe (" + rejection + ")");
            }
            byte[] h = header.clone();
            h[5] = ProbeFormat.TYPE_REPLY;
            ProbeFormat.write(reply, h, mac);
        }
    }

    /**
     * Checks the probe in {@code in}'s readable bytes without moving its indexes: format,
     * then the MAC under each accepted key. Constant work per datagram (one HMAC per key);
     * a rejection allocates nothing but the header copy.
     */
    public Verdict verify(ByteBuf in) {
        byte[] header = ProbeFormat.wellFormedHeader(in, ProbeFormat.TYPE_PROBE);
        if (header == null) {
            return Verdict.MALFORMED;
        }
        for (Mac mac : macs) {
            if (ProbeFormat.verifies(in, header, mac)) {
                return new Verdict(null, header, mac);
            }
        }
        return Verdict.UNAUTHENTIC;
    }

    /**
     * Checks the probe in {@code in}'s readable bytes (not moving its indexes) and, when it
     * is good, writes the reply to {@code reply}.
     *
     * @return null when answered, otherwise why not ({@code reply} untouched)
     */
    public Rejection answer(ByteBuf in, ByteBuf reply) {
        Verdict v = verify(in);
        if (v.rejection() == null) {
            v.writeReply(reply);
        }
        return v.rejection();
    }
}
