package org.haap.deploy.testbed;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link DelayLine} as its own process in the current network namespace:
 * {@code DelayLineMain --queue N --delay-ms D [--queue M --delay-ms E ...] [--max-len P]
 * [--compensation-us C]}.
 * Prints {@value #READY} once every queue is bound, then serves until SIGTERM/SIGINT and
 * prints its counters. Exit codes: 0 after a signal, 2 bad arguments, 1 failure.
 */
public final class DelayLineMain {

    /** The first word of the line printed once every queue is bound. */
    public static final String READY = "delay-line-ready";
    private static final int DEFAULT_MAX_LEN = 8192;

    private DelayLineMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        List<DelayLine.QueueDelay> queues = new ArrayList<>();
        int maxLen = DEFAULT_MAX_LEN;
        Duration compensation = DelayLine.DEFAULT_COMPENSATION;
        try {
            Integer pendingQueue = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--queue" -> {
                        if (pendingQueue != null) {
                            throw new IllegalArgumentException("--queue " + pendingQueue + " has no --delay-ms");
                        }
                        pendingQueue = Integer.parseInt(value(args, ++i));
                    }
                    case "--delay-ms" -> {
                        if (pendingQueue == null) {
                            throw new IllegalArgumentException("--delay-ms must follow --queue");
                        }
                        double ms = Double.parseDouble(value(args, ++i));
                        queues.add(new DelayLine.QueueDelay(pendingQueue, Duration.ofNanos(Math.round(ms * 1e6))));
                        pendingQueue = null;
                    }
                    case "--max-len" -> maxLen = Integer.parseInt(value(args, ++i));
                    case "--compensation-us" -> compensation = Duration.ofNanos(1000 * Long.parseLong(value(args, ++i)));
                    case "--help", "-h" -> {
                        out.println("Usage: DelayLineMain --queue N --delay-ms D [--queue M --delay-ms E ...] [--max-len P] [--compensation-us C]");
                        out.println("Delays every packet of netfilter queue N by D ms (fractions allowed); the kernel");
                        out.println("holds at most P packets per queue (default " + DEFAULT_MAX_LEN + "); C us of processing");
                        out.println("latency are subtracted from each delay (default "
                                + DelayLine.DEFAULT_COMPENSATION.toNanos() / 1000 + ").");
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (pendingQueue != null) {
                throw new IllegalArgumentException("--queue " + pendingQueue + " has no --delay-ms");
            }
            if (queues.isEmpty()) {
                throw new IllegalArgumentException("at least one --queue N --delay-ms D is required");
            }
        } catch (IllegalArgumentException e) {
            err.println("delay-line: " + e.getMessage());
            return 2;
        }
        DelayLine line;
        try {
            line = DelayLine.start(queues, maxLen, compensation);
        } catch (Exception e) {
            err.println("delay-line: cannot bind queues " + queues + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            line.close();
            out.println("delay-line stopped: " + line);
            out.flush();
            stop.countDown();
        }, "delay-line-shutdown"));
        out.println(READY + " " + line);
        out.flush();
        stop.await();
        return 0;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
