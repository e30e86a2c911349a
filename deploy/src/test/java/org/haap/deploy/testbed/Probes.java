package org.haap.deploy.testbed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link LinkProbe} in the testbed's namespaces and reads its output. */
final class Probes {

    private final Testbed testbed;

    Probes(Testbed testbed) {
        this.testbed = testbed;
    }

    /** Starts a discard server in {@code node} and waits until it listens. */
    Process serve(Node node, int port) throws InterruptedException {
        var log = testbed.logFile(node, "probe-" + port);
        Process p = testbed.startJava(node, log, LinkProbe.class.getName(), "serve", "--port", Integer.toString(port));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ExecResult ss = testbed.exec(node, "ss", "-Hltn", "sport = :" + port);
            if (ss.ok() && !ss.stdout().isBlank()) {
                return p;
            }
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "probe server in " + node + " did not start");
            Thread.sleep(50); // polling another process's socket; no event to wait on
        }
    }

    /** Connect times in microseconds, or an empty list when a connect failed. */
    List<Long> connectTimesUs(Node from, String host, int port, String bind, int count, int timeoutMs) {
        List<String> args = new ArrayList<>(List.of("rtt", "--host", host, "--port", Integer.toString(port),
                "--count", Integer.toString(count), "--timeout-ms", Integer.toString(timeoutMs)));
        if (bind != null) {
            args.add("--bind");
            args.add(bind);
        }
        ExecResult r = testbed.execJava(from, Duration.ofSeconds(60 + count), LinkProbe.class.getName(),
                args.toArray(new String[0]));
        List<Long> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("connect-us=")) {
                out.add(Long.parseLong(line.substring("connect-us=".length()).strip()));
            }
        }
        return r.ok() ? out : List.of();
    }

    /** Whether one TCP connect succeeds within {@code timeoutMs}. */
    boolean connects(Node from, String host, int port, String bind, int timeoutMs) {
        return !connectTimesUs(from, host, port, bind, 1, timeoutMs).isEmpty();
    }

    /** Median connect time in ms over {@code count} samples (the first 5 are warm-up). */
    private static final int WARM_UP = 30;

    Rtt connectRtt(Node from, String host, int port, String bind, int count) {
        // The first connects warm up the probe's and a freshly (re)started delay line's JIT.
        List<Long> us = connectTimesUs(from, host, port, bind, count + WARM_UP, 3000);
        assertTrue(us.size() == count + WARM_UP, "every connect from " + from + " to " + host + " succeeded");
        List<Long> measured = new ArrayList<>(us.subList(WARM_UP, us.size()));
        measured.sort(null);
        return new Rtt(measured.get(0) / 1000.0, measured.get(measured.size() / 2) / 1000.0);
    }

    /** Sends for {@code seconds} and returns the throughput in Mbit/s. */
    double sendMbit(Node from, String host, int port, String bind, double seconds) {
        List<String> args = new ArrayList<>(List.of("send", "--host", host, "--port", Integer.toString(port),
                "--seconds", Double.toString(seconds)));
        if (bind != null) {
            args.add("--bind");
            args.add(bind);
        }
        ExecResult r = testbed.execJava(from, Duration.ofSeconds(60), LinkProbe.class.getName(), args.toArray(new String[0]))
                .check();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("mbit=")) {
                return Double.parseDouble(line.substring("mbit=".length()).strip());
            }
        }
        throw new AssertionError("no mbit= line in " + r.stdout());
    }

    /** Connect RTTs through a delay line: the fastest and the median of a series. */
    record Rtt(double minMs, double medianMs) {
        @Override
        public String toString() {
            return String.format("min %.3f ms, median %.3f ms", minMs, medianMs);
        }
    }

    /**
     * Asserts connect RTTs measured through the delay lines. The fastest connect shows the
     * delay the line applies: not below the configured RTT (less 0.5 ms of clock
     * granularity) and at most 2.5 ms above it (the delay line's own processing). That still
     * tells every profile's RTTs apart (5, 10, 20, 40 ms). The median only has to stay
     * within a quarter of the RTT plus 2.5 ms of it: on a busy two-CPU machine every packet
     * through the userspace delay line can wait for a CPU, which moves the median, not the
     * delay the line is configured with.
     */
    static void assertRtt(double configuredMs, Rtt measured, String what) {
        assertTrue(measured.minMs() >= configuredMs - 0.5 && measured.minMs() <= configuredMs + 2.5,
                () -> what + ": " + measured + ", configured " + configuredMs + " ms");
        assertTrue(measured.medianMs() <= configuredMs * 1.25 + 2.5,
                () -> what + ": " + measured + ", configured " + configuredMs + " ms");
    }
}
