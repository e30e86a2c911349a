package org.haap.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what the load tests watch in a running process, by process id: CPU time
 * ({@code /proc/PID/stat}), open file descriptors
 * ({@code /proc/PID/fd}), threads ({@code /proc/PID/task}, without the JIT's compiler
 * threads, which the JVM starts and stops by its own demand heuristics), resident set size
 * ({@code VmRSS}) and the Java heap in use right after a full GC: the bytes of all live
 * objects that {@code jcmd PID GC.class_histogram} counts (it runs a full GC first). That is
 * exact, where {@code GC.heap_info}'s "used" after {@code GC.run} also counts the buffers
 * (TLABs, whole 1 MiB regions) threads allocated into since, and so jumps by a megabyte
 * between readings of an idle AP.
 */
public final class ProcessProbe {

    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");
    private static final long JCMD_TIMEOUT_SECONDS = 30;
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux ABI HAAP runs on

    private final long pid;
    private final Path proc;
    private final String jcmd;
    private volatile String lastHistogram = "";

    /** A probe of process {@code pid}. */
    public ProcessProbe(long pid) {
        this.pid = pid;
        this.proc = Path.of("/proc", Long.toString(pid));
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    /**
     * The probe of the process a launcher started: {@code ip netns exec} (and
     * {@code mptcpize run}) exec the command in place, so that is {@code p} itself; if one of
     * them forked instead, it is the descendant whose command ends with {@code suffix}
     * ({@code "/java"}, {@code "/haproxy"}).
     */
    public static ProcessProbe ofLaunched(Process p, String suffix) {
        if (endsWith(p.toHandle(), suffix)) {
            return new ProcessProbe(p.pid());
        }
        return new ProcessProbe(p.toHandle().descendants().filter(h -> endsWith(h, suffix)).findFirst()
                .map(ProcessHandle::pid).orElse(p.pid()));
    }

    private static boolean endsWith(ProcessHandle h, String suffix) {
        return h.info().command().map(c -> c.endsWith(suffix)).orElse(false);
    }

    /** Whether the process is a JVM (its heap can be read with {@link #heapAfterGcKib}). */
    public boolean isJava() {
        return ProcessHandle.of(pid).map(h -> endsWith(h, "/java")).orElse(false);
    }

    /** The process id. */
    public long pid() {
        return pid;
    }

    /** User plus system CPU seconds the process has used so far. */
    public double cpuSeconds() throws IOException {
        return parseCpuTicks(Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8))
                / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** CPU seconds the process spent in the kernel (system time: its system calls and the work they do). */
    public double systemCpuSeconds() throws IOException {
        return parseSystemTicks(Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8))
                / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** utime + stime (fields 14 and 15) of a {@code /proc/PID/stat} line, in clock ticks. */
    static long parseCpuTicks(String stat) {
        return statField(stat, 14) + statField(stat, 15);
    }

    /** stime (field 15) of a {@code /proc/PID/stat} line, in clock ticks. */
    static long parseSystemTicks(String stat) {
        return statField(stat, 15);
    }

    private static long statField(String stat, int n) {
        // The command name (field 2) is in parentheses and may contain spaces: skip past it.
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = rest.trim().split("\\s+");
        // rest starts at field 3 (state): field N is f[N - 3].
        return Long.parseLong(f[n - 3]);
    }

    /** Open file descriptors. */
    public int fds() throws IOException {
        try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
            return (int) s.count();
        }
    }

    /** Threads, not counting the JIT compiler threads. */
    public int threads() throws IOException {
        int n = 0;
        try (Stream<Path> s = Files.list(proc.resolve("task"))) {
            for (Path task : (Iterable<Path>) s::iterator) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue; // the thread ended while we listed
                }
                if (!isCompilerThread(comm)) {
                    n++;
                }
            }
        }
        return n;
    }

    static boolean isCompilerThread(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /** Resident set size in KiB. */
    public long rssKib() throws IOException {
        return parseRssKib(Files.readString(proc.resolve("status"), StandardCharsets.UTF_8));
    }

    static long parseRssKib(String status) {
        Matcher m = RSS.matcher(status);
        if (!m.find()) {
            throw new IllegalArgumentException("no VmRSS line in /proc/PID/status");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Runs a full GC in the process and returns the bytes of the objects still live, in KiB;
     * the class histogram it came from is then {@link #lastHistogram}.
     */
    public long heapAfterGcKib() throws IOException, InterruptedException {
        String histogram = run("GC.class_histogram");
        long kib = parseHistogramTotalKib(histogram);
        lastHistogram = histogram;
        return kib;
    }

    /** The class histogram of the last {@link #heapAfterGcKib} reading (empty before). */
    public String lastHistogram() {
        return lastHistogram;
    }

    static long parseHistogramTotalKib(String histogram) {
        Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IllegalArgumentException("no 'Total <instances> <bytes>' line in the class histogram");
        }
        return Long.parseLong(m.group(1)) / 1024;
    }

    private String run(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(jcmd, Long.toString(pid), command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + text.strip());
        }
        return text;
    }
}
