package org.haap.loadtest.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.sys.NetworkNamespace;

/**
 * The soak's traffic, from threads inside the bed's namespace, one connection per
 * operation:
 * <ul>
 *   <li><b>valid</b> workers (from {@link SoakBed#VALID_SOURCE}): a Connect with the cookie
 *       for the echo server with 64-2048 bytes of early data; the reply must be a success
 *       and the echo must equal the data; anything else is a failure;</li>
 *   <li><b>invalid</b> workers (from {@code 127.0.0.4} upwards): one {@link Mutator mutated}
 *       message each, then, at random, a half-close and a read until the AP closes (15 in
 *       16), or an abortive close (RST) at once. A refused or timed-out connect is an error;
 *       what the AP answers is not judged here (the unit and fuzz tests do that).</li>
 * </ul>
 * Each worker is paced to its share of the target rates (0 = as fast as it can). Every
 * operation holds a read lock, so {@link #quiet} can wait until none is in flight.
 */
final class Traffic implements AutoCloseable {

    private static final int IO_TIMEOUT_MS = 5000;
    private static final int KEPT_FAILURES = 10;
    private static final int KEPT_ANSWER_BYTES = 64;

    private final String namespace;
    private final long seed;
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();
    private final List<Thread> threads = new ArrayList<>();
    /** Mutated messages begun (each reserves its number first, so a limit is never overshot). */
    private final AtomicLong invalidStarted = new AtomicLong();
    private volatile boolean stopped;

    final AtomicLong validOk = new AtomicLong();
    final AtomicLong validFailed = new AtomicLong();
    final AtomicLong invalidSent = new AtomicLong();
    final AtomicLong invalidAnswered = new AtomicLong();
    /** Mutated messages whose answer began with a pool ack: the AP accepted a hello and remembers its nonce. */
    final AtomicLong invalidPoolAcks = new AtomicLong();
    final AtomicLong invalidReset = new AtomicLong();
    final AtomicLong invalidTimeout = new AtomicLong();
    final AtomicLong invalidErrors = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    Traffic(String namespace, long seed) {
        this.namespace = namespace;
        this.seed = seed;
    }

    /**
     * Starts {@code valid} and {@code invalid} workers, together aiming at
     * {@code validPerSecond} and {@code invalidPerSecond} operations (0 = unpaced). The
     * invalid workers stop by themselves once {@code invalidLimit} messages were sent
     * or failed to connect ({@code Long.MAX_VALUE}: no limit).
     */
    void start(int valid, double validPerSecond, int invalid, double invalidPerSecond, long invalidLimit) {
        ThreadFactory inNs = NetworkNamespace.threadFactory(namespace, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < valid; i++) {
            long s = seed + i;
            long gap = gapNanos(validPerSecond, valid);
            Thread t = inNs.newThread(() -> loop(gap, Long.MAX_VALUE, new AtomicLong(), new ValidOp(s)));
            t.setName("soak-valid-" + i);
            threads.add(t);
        }
        for (int i = 0; i < invalid; i++) {
            long s = seed + 1000 + i;
            String source = "127.0.0." + (4 + i % SoakBed.INVALID_SOURCES);
            long gap = gapNanos(invalidPerSecond, invalid);
            Thread t = inNs.newThread(() -> loop(gap, invalidLimit, invalidStarted, new InvalidOp(s, source)));
            t.setName("soak-invalid-" + i);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private static long gapNanos(double perSecond, int workers) {
        return perSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) * workers / perSecond);
    }

    private interface Op {
        void run() throws IOException;
    }

    private void loop(long gapNanos, long limit, AtomicLong count, Op op) {
        long next = System.nanoTime();
        while (!stopped) {
            if (gapNanos > 0) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += gapNanos;
            }
            inFlight.readLock().lock();
            try {
                if (stopped || count.getAndIncrement() >= limit) {
                    return;
                }
                op.run();
            } catch (IOException | RuntimeException e) {
                note(Thread.currentThread().getName() + ": " + e);
            } finally {
                inFlight.readLock().unlock();
            }
        }
    }

    private void note(String failure) {
        if (failures.size() < KEPT_FAILURES) {
            failures.add(failure);
        }
    }

    /** Up to ten failure descriptions, the first ones. */
    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /**
     * Runs {@code action} while no operation is in flight: waits for those running to
     * finish, holds new ones back, and lets them go on afterwards.
     */
    <T> T quiet(java.util.concurrent.Callable<T> action) throws Exception {
        inFlight.writeLock().lock();
        try {
            return action.call();
        } finally {
            inFlight.writeLock().unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(2L * IO_TIMEOUT_MS / 1000 + 5));
        }
    }

    /** One valid session. */
    private final class ValidOp implements Op {
        private final Random random;
        private final byte[] connect = ConvertCodec.encode(ConvertMessage.connect(SoakBed.SERVER,
                SoakBed.COOKIE.getBytes(StandardCharsets.UTF_8)));

        ValidOp(long seed) {
            this.random = new Random(seed);
        }

        @Override
        public void run() {
            byte[] data = new byte[64 + random.nextInt(2048 - 64 + 1)];
            random.nextBytes(data);
            try (Socket s = socket(SoakBed.VALID_SOURCE)) {
                OutputStream out = s.getOutputStream();
                out.write(Mutator.concat(connect, data));
                out.flush();
                InputStream in = s.getInputStream();
                ConvertMessage reply = readMessage(in);
                if (reply.errorTlv().isPresent()) {
                    throw new IOException("error reply " + reply.errorTlv().get());
                }
                byte[] echo = in.readNBytes(data.length);
                if (!Arrays.equals(data, echo)) {
                    throw new IOException("echo of " + data.length + " bytes differs (got " + echo.length + ")");
                }
                validOk.incrementAndGet();
            } catch (IOException | ConvertException | RuntimeException e) {
                validFailed.incrementAndGet();
                note("valid session: " + e);
            }
        }
    }

    /** One mutated message on a connection of its own. */
    private final class InvalidOp implements Op {
        private final Random random;
        private final Mutator mutator;
        private final String source;

        InvalidOp(long seed, String source) {
            this.random = new Random(seed);
            this.mutator = new Mutator(seed, SoakBed.SERVER, SoakBed.DENIED, SoakBed.COOKIE);
            this.source = source;
        }

        @Override
        public void run() {
            byte[] m = mutator.next();
            Socket s;
            try {
                s = socket(source);
            } catch (IOException e) {
                invalidErrors.incrementAndGet();
                note("invalid connect: " + e);
                return;
            }
            invalidSent.incrementAndGet();
            try (s) {
                s.getOutputStream().write(m);
                if (random.nextInt(16) == 0) {
                    s.setSoLinger(true, 0); // close with RST at once
                    return;
                }
                s.shutdownOutput();
                // the answer (and any echo) until the AP closes; only its start is kept
                byte[] answer = s.getInputStream().readNBytes(KEPT_ANSWER_BYTES);
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
                if (answer.length > 0) {
                    invalidAnswered.incrementAndGet();
                    if (startsWithPoolAck(answer)) {
                        invalidPoolAcks.incrementAndGet();
                    }
                }
            } catch (SocketTimeoutException e) {
                invalidTimeout.incrementAndGet();
            } catch (IOException e) {
                invalidReset.incrementAndGet(); // the AP may reset; counted, not judged
            }
        }
    }

    static boolean startsWithPoolAck(byte[] answer) {
        ByteBuf buf = Unpooled.wrappedBuffer(answer);
        try {
            ConvertMessage m = ConvertCodec.decode(buf);
            return m != null && m.poolAckTlv().isPresent();
        } catch (ConvertException e) {
            return false;
        } finally {
            buf.release();
        }
    }

    private static Socket socket(String source) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(IO_TIMEOUT_MS);
            s.bind(new InetSocketAddress(source, 0));
            s.connect(SoakBed.AP, IO_TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Reads one whole Convert message (its length is in its second byte, in 4-byte units). */
    static ConvertMessage readMessage(InputStream in) throws IOException, ConvertException {
        byte[] head = in.readNBytes(4);
        if (head.length < 4) {
            throw new IOException("closed after " + head.length + " bytes of the reply");
        }
        int length = (head[1] & 0xff) * 4;
        byte[] rest = in.readNBytes(Math.max(0, length - 4));
        ByteBuf buf = Unpooled.wrappedBuffer(Mutator.concat(head, rest));
        try {
            ConvertMessage m = ConvertCodec.decode(buf);
            if (m == null) {
                throw new IOException("incomplete reply");
            }
            return m;
        } finally {
            buf.release();
        }
    }
}
