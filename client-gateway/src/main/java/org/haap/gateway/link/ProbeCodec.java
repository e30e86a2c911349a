package org.haap.gateway.link;

import io.netty.buffer.ByteBuf;
import javax.crypto.Mac;
import org.haap.core.probe.ProbeFormat;

/**
 * The gateway's half of the HAAP link probe ({@link ProbeFormat} has the wire format and the
 * key derivation; the AP's half is {@code org.haap.ap.probe.ProbeAuthenticator}): writes
 * probes and checks replies under the key of the gateway's cookie. One instance per thread
 * ({@link Mac} is not thread-safe).
 */
public final class ProbeCodec {

    /** Length of a probe and of a reply. */
    public static final int LENGTH = ProbeFormat.LENGTH;
    /** Type of a reply. */
    public static final int TYPE_REPLY = ProbeFormat.TYPE_REPLY;

    private final Mac mac;

    /** @param key from {@link #key(byte[])} */
    public ProbeCodec(byte[] key) {
        mac = ProbeFormat.mac(key);
    }

    /** The probe key for {@code cookie} (its RFC 8803 Cookie bytes; {@code null} or empty = none). */
    public static byte[] key(byte[] cookie) {
        return ProbeFormat.key(cookie);
    }

    /** Writes a probe (type 1) to {@code out}. */
    public void writeProbe(ByteBuf out, long sequence, long timestampNanos) {
        write(out, ProbeFormat.TYPE_PROBE, sequence, timestampNanos);
    }

    /** Writes a datagram of {@code type} (used by tests to build replies too). */
    void write(ByteBuf out, int type, long sequence, long timestampNanos) {
        ProbeFormat.write(out, ProbeFormat.header(type, sequence, timestampNanos), mac);
    }

    /**
     * The sequence number of the reply in {@code in} (its readable bytes), or -1 if it is not
     * a well-formed reply under this codec's key. Does not move the reader index.
     */
    public long readReply(ByteBuf in) {
        byte[] header = ProbeFormat.wellFormedHeader(in, ProbeFormat.TYPE_REPLY);
        if (header == null || !ProbeFormat.verifies(in, header, mac)) {
            return -1;
        }
        return ProbeFormat.sequence(header);
    }
}
