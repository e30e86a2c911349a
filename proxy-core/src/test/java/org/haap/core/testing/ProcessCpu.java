package org.haap.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The CPU time of another process, from {@code /proc/PID/stat}, in clock ticks. */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    /** User plus system time of process {@code pid} so far, in clock ticks. */
    public static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 counted from 1 incl. pid, comm
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}). */
    public static long ticksPerSecond() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (p.waitFor() != 0) {
            throw new IOException("getconf CLK_TCK: " + out);
        }
        return Long.parseLong(out);
    }

    /**
     * The share of one core that process {@code pid} used over the next {@code window}
     * (a measurement: it waits that long).
     */
    public static double shareOfACore(long pid, Duration window) throws IOException, InterruptedException {
        long before = ticks(pid);
        Thread.sleep(window.toMillis());
        return (ticks(pid) - before) / (double) ticksPerSecond() / (window.toMillis() / 1000.0);
    }
}
