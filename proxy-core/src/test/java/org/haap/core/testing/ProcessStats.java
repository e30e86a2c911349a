package org.haap.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Another process's CPU time ({@code /proc/PID/stat}) and resident set size ({@code /proc/PID/status}). */
public final class ProcessStats {

    private ProcessStats() {
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

    /** The resident set size of process {@code pid} ({@code VmRSS}), in KiB. */
    public static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").strip());
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
}
