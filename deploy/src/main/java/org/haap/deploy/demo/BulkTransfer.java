package org.haap.deploy.demo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Parallel bulk transfer in both directions for a fixed time, with goodput measured at the
 * receiving ends: {@code streams} upload and {@code streams} download connections start
 * together and send for {@code seconds}; once per second the receivers' byte counters are
 * sampled and handed to a {@link Listener}. Goodput is the bytes received in seconds
 * 1..N divided by N-1 (the first second, with connection set-up and slow start, is left
 * out, as {@code iperf3 --omit 1} does); integrity is checked on every connection once
 * the senders have finished and the receivers have read everything.
 */
public final class BulkTransfer {

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private BulkTransfer() {
    }

    /** Receives one sample per second while a transfer runs. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param second the second that just ended, from 1
         * @param uploadBytes upload bytes received by the server in that second
         * @param downloadBytes download bytes received by the client in that second
         */
        void second(int second, long uploadBytes, long downloadBytes);
    }

    /**
     * The outcome.
     *
     * @param seconds the transfer's length
     * @param uploadMbps upload goodput at the server, Mbit/s (0 without upload streams)
     * @param downloadMbps download goodput at the client, Mbit/s (0 without download streams)
     * @param uploadBytes every upload byte received, including the first second and the drain
     * @param downloadBytes every download byte received
     * @param intact whether every connection completed with matching SHA-256 at both ends
     * @param errors what went wrong, one line per failed connection
     */
    public record Result(int seconds, double uploadMbps, double downloadMbps, long uploadBytes, long downloadBytes,
                         boolean intact, List<String> errors) {
    }

    /**
     * Runs the transfer and waits for it to finish.
     *
     * @param uploadStreams parallel upload connections (0 = none)
     * @param downloadStreams parallel download connections (0 = none)
     * @param seconds how long the senders send, at least 2
     */
    public static Result run(TrafficClient client, TrafficCounters counters, InetSocketAddress server,
                             int uploadStreams, int downloadStreams, int seconds, Listener listener)
            throws InterruptedException {
        if (seconds < 2) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: >= 2)");
        }
        Duration d = Duration.ofSeconds(seconds);
        long[] base = counters.snapshot();
        long start = System.nanoTime();
        List<CompletableFuture<StreamResult>> up = new ArrayList<>();
        List<CompletableFuture<StreamResult>> down = new ArrayList<>();
        for (int i = 0; i < uploadStreams; i++) {
            up.add(client.upload(server, d, 0, 7919L * i));
        }
        for (int i = 0; i < downloadStreams; i++) {
            down.add(client.download(server, d, 0, 104_729L * i + 1));
        }
        long[] prev = base;
        long[] atOne = base;
        long[] atEnd = base;
        for (int s = 1; s <= seconds; s++) {
            long wake = start + TimeUnit.SECONDS.toNanos(s);
            for (long left = wake - System.nanoTime(); left > 0; left = wake - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            long[] now = counters.snapshot();
            listener.second(s, now[0] - prev[0], now[1] - prev[1]);
            prev = now;
            if (s == 1) {
                atOne = now;
            }
            atEnd = now;
        }
        List<String> errors = new ArrayList<>();
        long drainDeadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        await(up, "upload", errors, drainDeadline);
        await(down, "download", errors, drainDeadline);
        long[] total = counters.snapshot();
        double window = seconds - 1;
        return new Result(seconds,
                uploadStreams == 0 ? 0 : (atEnd[0] - atOne[0]) * 8 / window / 1e6,
                downloadStreams == 0 ? 0 : (atEnd[1] - atOne[1]) * 8 / window / 1e6,
                total[0] - base[0], total[1] - base[1], errors.isEmpty(), errors);
    }

    private static void await(List<CompletableFuture<StreamResult>> streams, String what, List<String> errors,
                              long deadline) throws InterruptedException {
        for (int i = 0; i < streams.size(); i++) {
            try {
                StreamResult r = streams.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (!r.ok()) {
                    errors.add(what + " " + i + ": " + r.error());
                }
            } catch (ExecutionException e) {
                errors.add(what + " " + i + ": " + e);
            } catch (TimeoutException e) {
                errors.add(what + " " + i + ": not finished " + DRAIN_TIMEOUT.toSeconds() + " s after the senders stopped");
            }
        }
    }
}
