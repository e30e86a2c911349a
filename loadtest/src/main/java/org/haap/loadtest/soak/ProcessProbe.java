package org.haap.loadtest.soak;

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
 * Reads what a soak watches in a running JVM, by process id: open file descriptors
 * ({@code /proc/PID/fd}), threads ({@code /proc/PID/task}, without the JIT's compiler
 * threads, which the JVM starts and stops by its own demand heuristics), resident set size
 * ({@code VmRSS}) and the Java heap in use right after a full GC ({@code jcmd PID GC.run},
 * then {@code GC.heap_info}).
 */
final class ProcessProbe {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");
    private static final long JCMD_TIMEOUT_SECONDS = 30;

    private final long pid;
    private final Path proc;
    private final String jcmd;

    ProcessProbe(long pid) {
        this.pid = pid;
        this.proc = Path.of("/proc", Long.toString(pid));
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    /** Open file descriptors. */
    int fds() throws IOException {
        try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
            return (int) s.count();
        }
    }

    /** Threads, not counting the JIT compiler threads. */
    int threads() throws IOException {
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
    long rssKib() throws IOException {
        return parseRssKib(Files.readString(proc.resolve("status"), StandardCharsets.UTF_8));
    }

    static long parseRssKib(String status) {
        Matcher m = RSS.matcher(status);
        if (!m.find()) {
            throw new IllegalArgumentException("no VmRSS line in /proc/PID/status");
        }
        return Long.parseLong(m.group(1));
    }

    /** Runs a full GC in the process and returns the heap then in use, in KiB. */
    long heapAfterGcKib() throws IOException, InterruptedException {
        run("GC.run");
        return parseHeapUsedKib(run("GC.heap_info"));
    }

    static long parseHeapUsedKib(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalArgumentException("no 'heap total ..K, used ..K' in: " + heapInfo.strip());
        }
        return Long.parseLong(m.group(1));
    }

    /** A class histogram ({@code jcmd PID GC.class_histogram}), the first {@code lines} lines. */
    String histogram(int lines) throws IOException, InterruptedException {
        return run("GC.class_histogram").lines().limit(lines).reduce("", (a, b) -> a + b + "\n");
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
