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
     * Checks the probe in {@code in}'s readable bytes (not moving its indexes) and, when it
     * is good, writes the reply to {@code reply}.
     *
     * @return null when answered, otherwise why not ({@code reply} untouched)
     */
    public Rejection answer(ByteBuf in, ByteBuf reply) {
        byte[] header = ProbeFormat.wellFormedHeader(in, ProbeFormat.TYPE_PROBE);
        if (header == null) {
            return Rejection.MALFORMED;
        }
        for (Mac mac : macs) {
            if (ProbeFormat.verifies(in, header, mac)) {
                header[5] = ProbeFormat.TYPE_REPLY;
                ProbeFormat.write(reply, header, mac);
                return null;
            }
        }
        return Rejection.AUTH;
    }
}
