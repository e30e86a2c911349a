package org.haap.ap.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.haap.core.convert.PoolHelloTlv;

/**
 * Decides whether a gateway's warm-pool hello ({@link PoolHelloTlv}) may turn its connection
 * into an idle pooled one, and counts pooled connections per client ({@link ClientKey}). A hello is
 * admitted when cookies are configured, its timestamp is within {@link #WINDOW} of the AP's
 * clock, its mac verifies under one of the accepted cookies, its nonce has not been seen in
 * the window (replay), and the client holds fewer than {@code maxPerClient} pooled
 * connections. A nonce is remembered for twice the window; expired ones are dropped at most
 * once per window (one pass over the cache, so memory follows the hello rate, not the
 * uptime). The nonce cache holds at most {@link #MAX_NONCES} entries; when it is full of
 * live entries further hellos are refused as over the limit. The cookies and the cap may be
 * replaced while running ({@link #update}, a configuration reload): later hellos are checked
 * against the new ones, connections already pooled keep their slots. Thread-safe.
 */
public final class PoolAdmission {

    /** How far a hello's timestamp may be from the AP's clock, either way. */
    public static final Duration WINDOW = Duration.ofSeconds(30);
    /** The most nonces remembered at once. */
    public static final int MAX_NONCES = 1 << 16;

    /** The decision on one hello. */
    public enum Verdict { ACCEPTED, NOT_AUTHORIZED, REPLAYED, OVER_LIMIT }

    private volatile List<byte[]> keys;
    private final LongSupplier wallClockMillis;
    private final ConcurrentHashMap<ByteBuffer, Long> nonces = new ConcurrentHashMap<>();
    /** When expired nonces are next dropped (wall clock); races only prune twice. */
    private volatile long nextPruneMillis;
    /** The pooled connections, capped per client only (they count as sessions too, capped there). */
    private final SessionLimiter<ClientKey> slots;

    /**
     * @param cookies         the accepted cookies (their UTF-8 bytes are the mac keys); empty
     *                        = pooling refused
     * @param maxPerClient    pooled connections one client may hold, &gt;= 0
     * @param wallClockMillis Unix time in milliseconds ({@code System::currentTimeMillis})
     */
    public PoolAdmission(List<String> cookies, int maxPerClient, LongSupplier wallClockMillis) {
        this.keys = keys(cookies);
        this.slots = new SessionLimiter<>(Integer.MAX_VALUE, maxPerClient);
        this.wallClockMillis = wallClockMillis;
    }

    /**
     * Checks later hellos against {@code cookies} and caps later admissions at
     * {@code maxPerClient} (a configuration reload); pooled connections stay pooled.
     */
    public void update(List<String> cookies, int maxPerClient) {
        this.keys = keys(cookies);
        slots.setLimits(Integer.MAX_VALUE, maxPerClient);
    }

    private static List<byte[]> keys(List<String> cookies) {
        return cookies.stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Checks {@code hello} from {@code client}; on {@link Verdict#ACCEPTED} a pool slot is taken. */
    public Verdict admit(ClientKey client, PoolHelloTlv hello) {
        long now = wallClockMillis.getAsLong();
        List<byte[]> keys = this.keys;
        if (keys.isEmpty() || Math.abs(now - hello.timestampMillis()) > WINDOW.toMillis()) {
            return Verdict.NOT_AUTHORIZED;
        }
        boolean verified = false;
        for (byte[] key : keys) {
            verified |= hello.verifies(key);
        }
        if (!verified) {
            return Verdict.NOT_AUTHORIZED;
        }
        // Only authenticated hellos reach the nonce cache, so strangers cannot fill it.
        if (!rememberNonce(hello.nonce(), now)) {
            return nonces.size() >= MAX_NONCES ? Verdict.OVER_LIMIT : Verdict.REPLAYED;
        }
        return slots.tryAcquire(client) ? Verdict.ACCEPTED : Verdict.OVER_LIMIT;
    }

    /** Returns a slot taken by an accepted hello (the connection left the pool). */
    public void release(ClientKey client) {
        slots.release(client);
    }

    /** Nonces remembered now (live, or expired and not yet dropped). */
    int rememberedNonces() {
        return nonces.size();
    }

    /** Pooled connections now, over all clients. */
    public int pooled() {
        return slots.total();
    }

    /** Pooled connections of {@code client} now. */
    public int pooled(ClientKey client) {
        return slots.held(client);
    }

    private boolean rememberNonce(byte[] nonce, long now) {
        long expiry = now + 2 * WINDOW.toMillis();
        if (now - nextPruneMillis >= 0) {
            nextPruneMillis = now + WINDOW.toMillis();
            nonces.values().removeIf(e -> e - now < 0);
        }
        if (nonces.size() >= MAX_NONCES) {
            nonces.values().removeIf(e -> e - now < 0);
            if (nonces.size() >= MAX_NONCES) {
                return false;
            }
        }
        return nonces.putIfAbsent(ByteBuffer.wrap(nonce), expiry) == null;
    }
}
