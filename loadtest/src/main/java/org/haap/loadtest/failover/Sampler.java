package org.haap.loadtest.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.haap.core.sys.NetworkNamespace;

/**
 * Samples a transfer every {@code intervalMs} on its own thread, which lives in the CPE's
 * network namespace so that {@code /proc/thread-self/net/dev} shows the CPE's interfaces:
 * the client's received-bytes counter and the {@code dsl} and {@code lte} byte counters,
 * without starting a process per reading. Started with {@link #start}, ended with
 * {@link #stop}, which takes one last sample.
 */
final class Sampler implements AutoCloseable {

    private static final Path NET_DEV = Path.of("/proc/thread-self/net/dev");

    private final LongAdder received;
    private final long startNanos;
    private final long intervalNanos;
    private final List<Sample> samples = new ArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    private Sampler(String cpeNamespace, LongAdder received, long startNanos, long intervalMs) {
        this.received = received;
        this.startNanos = startNanos;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.thread = NetworkNamespace.threadFactory(cpeNamespace, r -> {
            Thread t = new Thread(r, "failover-sampler");
            t.setDaemon(true);
            return t;
        }).newThread(this::loop);
    }

    /**
     * Starts sampling; the first sample is taken at once and counts as time
     * {@code (now - startNanos)}.
     *
     * @throws IOException if the thread cannot read the CPE's counters
     */
    static Sampler start(String cpeNamespace, LongAdder received, long startNanos, long intervalMs) throws Exception {
        Sampler s = new Sampler(cpeNamespace, received, startNanos, intervalMs);
        s.thread.start();
        if (!s.started.await(10, TimeUnit.SECONDS)) {
            s.close();
            throw new IOException("the sampler did not start");
        }
        if (s.failure != null) {
            s.close();
            throw s.failure;
        }
        return s;
    }

    private void loop() {
        try {
            take();
        } catch (Exception e) {
            failure = e;
            running = false;
            started.countDown();
            return;
        }
        started.countDown();
        long next = System.nanoTime() + intervalNanos;
        boolean last = false;
        while (!last) {
            for (long left = next - System.nanoTime(); left > 0 && running; left = next - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            last = !running; // stopped: this is the last sample
            try {
                take();
            } catch (Exception e) {
                failure = e;
                return;
            }
            next += intervalNanos;
            long now = System.nanoTime();
            if (next < now) {
                next = now + intervalNanos; // fell behind (a busy machine): skip, do not burst
            }
        }
    }

    private void take() throws IOException {
        long r = received.sum();
        long t = System.nanoTime();
        long[] c = counters(Files.readString(NET_DEV, StandardCharsets.US_ASCII));
        Sample s = new Sample((t - startNanos) / 1e6, r, c[0], c[1], c[2], c[3]);
        synchronized (samples) {
            samples.add(s);
        }
    }

    /**
     * The {@code dsl} and {@code lte} byte counters in a {@code /proc/net/dev} text:
     * {@code [dslRx, dslTx, lteRx, lteTx]}.
     *
     * @throws IOException if either interface is missing (not the CPE's namespace)
     */
    static long[] counters(String netDev) throws IOException {
        long[] out = {-1, -1, -1, -1};
        for (String line : netDev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            int base = name.equals("dsl") ? 0 : name.equals("lte") ? 2 : -1;
            if (base < 0) {
                continue;
            }
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (f.length < 9) {
                throw new IOException("unexpected /proc/net/dev line: " + line);
            }
            out[base] = Long.parseLong(f[0]);
            out[base + 1] = Long.parseLong(f[8]);
        }
        if (out[0] < 0 || out[2] < 0) {
            throw new IOException("no dsl and lte interfaces in /proc/thread-self/net/dev (not the CPE's namespace?)");
        }
        return out;
    }

    /** The samples so far, oldest first. */
    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /**
     * Stops sampling after one last sample and returns every sample.
     *
     * @throws Exception if a reading failed
     */
    List<Sample> stop() throws Exception {
        running = false;
        LockSupport.unpark(thread);
        thread.join(5_000);
        if (failure != null) {
            throw failure;
        }
        return samples();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
