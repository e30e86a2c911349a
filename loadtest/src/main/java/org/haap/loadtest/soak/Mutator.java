package org.haap.loadtest.soak;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.PoolHelloTlv;

/**
 * Mutated Convert messages: a seed (a valid Connect with or without the cookie, to the
 * allowed server or to a denied address, IPv4 or IPv6, with early data; or a pool hello,
 * alone or followed by a Connect) with one to four mutations: bit flips, bytes set to
 * boundary values, a length byte rewritten, truncation, bytes inserted, deleted, duplicated
 * or appended, or (rarely) only random bytes. Deterministic for a given random seed, except
 * for the pool hello's time stamp, which is the clock's so the AP checks its MAC.
 * Not thread-safe: one per worker.
 */
final class Mutator {

    private static final byte[] BOUNDARY = {0, 1, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};
    private static final int MAX_MESSAGE = 1200;

    private final Random random;
    private final byte[] cookie;
    private final List<byte[]> connects;
    private final LongSupplier clock;

    /**
     * Messages built from {@code allowed} (the server the AP may connect to), {@code denied}
     * (addresses the AP's policy refuses) and {@code cookie}.
     */
    Mutator(long seed, InetSocketAddress allowed, List<InetSocketAddress> denied, String cookie) {
        this(seed, allowed, denied, cookie, System::currentTimeMillis);
    }

    /** As above, pool hellos stamped with {@code clock} (milliseconds since the epoch). */
    Mutator(long seed, InetSocketAddress allowed, List<InetSocketAddress> denied, String cookie, LongSupplier clock) {
        this.clock = clock;
        this.random = new Random(seed);
        this.cookie = cookie.getBytes(StandardCharsets.UTF_8);
        byte[] data = "GET / HTTP/1.1\r\nHost: soak\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        List<InetSocketAddress> targets = new java.util.ArrayList<>(denied);
        targets.add(allowed);
        List<byte[]> c = new java.util.ArrayList<>();
        for (InetSocketAddress t : targets) {
            c.add(concat(ConvertCodec.encode(ConvertMessage.connect(t, this.cookie)), data));
            c.add(ConvertCodec.encode(ConvertMessage.connect(t)));
        }
        this.connects = List.copyOf(c);
    }

    /** The next mutated message (never empty). */
    byte[] next() {
        if (random.nextInt(64) == 0) {
            byte[] junk = new byte[1 + random.nextInt(64)];
            random.nextBytes(junk);
            return junk;
        }
        byte[] m = seed();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            m = mutate(m);
        }
        return m.length == 0 ? new byte[] {(byte) random.nextInt(256)} : m;
    }

    private byte[] seed() {
        return switch (random.nextInt(8)) {
            case 0 -> hello();
            case 1 -> concat(hello(), connects.get(random.nextInt(connects.size())));
            default -> connects.get(random.nextInt(connects.size())).clone();
        };
    }

    private byte[] hello() {
        byte[] nonce = new byte[PoolHelloTlv.NONCE_BYTES];
        random.nextBytes(nonce);
        return ConvertCodec.encode(ConvertMessage.poolHello(PoolHelloTlv.sign(cookie, clock.getAsLong(), nonce)));
    }

    private byte[] mutate(byte[] m) {
        if (m.length == 0) {
            return m;
        }
        int at = random.nextInt(m.length);
        switch (random.nextInt(9)) {
            case 0 -> m[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> m[at] = BOUNDARY[random.nextInt(BOUNDARY.length)];
            case 2 -> m[at] = (byte) random.nextInt(256);
            case 3 -> m[lengthByte(m)] = (byte) random.nextInt(256);
            case 4 -> m = Arrays.copyOf(m, at);
            case 5 -> {
                byte[] ins = new byte[1 + random.nextInt(16)];
                random.nextBytes(ins);
                m = splice(m, at, at, ins);
            }
            case 6 -> m = splice(m, at, Math.min(m.length, at + 1 + random.nextInt(8)), new byte[0]);
            case 7 -> {
                int to = Math.min(m.length, at + 1 + random.nextInt(16));
                m = splice(m, at, at, Arrays.copyOfRange(m, at, to));
            }
            default -> {
                byte[] tail = new byte[1 + random.nextInt(32)];
                random.nextBytes(tail);
                m = concat(m, tail);
            }
        }
        return m.length > MAX_MESSAGE ? Arrays.copyOf(m, MAX_MESSAGE) : m;
    }

    /** The message's length byte or one of its TLVs' (walking the TLVs as far as they go). */
    private int lengthByte(byte[] m) {
        if (m.length < 2) {
            return 0;
        }
        int choices = 1;
        int chosen = 1;
        for (int off = 4; off + 1 < m.length; off += Math.max(1, m[off + 1] & 0xff) * 4) {
            choices++;
            if (random.nextInt(choices) == 0) {
                chosen = off + 1;
            }
        }
        return chosen;
    }

    private static byte[] splice(byte[] m, int from, int to, byte[] with) {
        byte[] out = new byte[m.length - (to - from) + with.length];
        System.arraycopy(m, 0, out, 0, from);
        System.arraycopy(with, 0, out, from, with.length);
        System.arraycopy(m, to, out, from + with.length, m.length - to);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
