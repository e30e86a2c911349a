package org.haap.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of a running JVM by class, from {@code jcmd PID GC.class_histogram} (which
 * runs a full GC first), and what a number of sessions added between two of them: the
 * per-session cost tables of the idle-session ITs.
 *
 * @param counts instances and bytes by class name
 * @param bytes  the bytes of all live objects (the histogram's total)
 */
public record ClassHistogram(Map<String, Count> counts, long bytes) {

    /** Instances and bytes of one class. */
    public record Count(long instances, long bytes) {
        static final Count NONE = new Count(0, 0);
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    public ClassHistogram {
        counts = Map.copyOf(counts);
    }

    /** Runs a full GC in process {@code pid} and takes its class histogram. */
    public static ClassHistogram of(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return parse(new String(out, StandardCharsets.UTF_8));
    }

    /** Parses the text of {@code jcmd PID GC.class_histogram}. */
    public static ClassHistogram parse(String text) {
        Map<String, Count> counts = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                counts.merge(m.group(3), new Count(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                        (a, b) -> new Count(a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        Matcher total = TOTAL.matcher(text);
        if (!total.find()) {
            throw new IllegalArgumentException("no 'Total <instances> <bytes>' line in the class histogram");
        }
        return new ClassHistogram(counts, Long.parseLong(total.group(1)));
    }

    /** Instances and bytes of class {@code name} (as the histogram spells it). */
    public Count count(String name) {
        return counts.getOrDefault(name, Count.NONE);
    }

    /** Instances added since {@code before} of the classes whose names start with {@code prefix}. */
    public long instancesAddedSince(ClassHistogram before, String prefix) {
        long n = 0;
        for (String name : names(before)) {
            if (name.startsWith(prefix)) {
                n += count(name).instances() - before.count(name).instances();
            }
        }
        return n;
    }

    private Set<String> names(ClassHistogram other) {
        Set<String> names = new HashSet<>(counts.keySet());
        names.addAll(other.counts.keySet());
        return names;
    }

    /**
     * The {@code top} classes that grew most in bytes since {@code before}, divided by
     * {@code sessions}: one line each, bytes and instances per session, then the class.
     */
    public List<String> perSession(ClassHistogram before, int sessions, int top) {
        List<String> names = new ArrayList<>(names(before));
        names.sort(Comparator.comparingLong((String n) -> before.count(n).bytes() - count(n).bytes())
                .thenComparing(n -> n));
        List<String> out = new ArrayList<>();
        for (String n : names.subList(0, Math.min(top, names.size()))) {
            out.add(String.format(Locale.ROOT, "%8.1f B %6.2f objects  %s",
                    (count(n).bytes() - before.count(n).bytes()) / (double) sessions,
                    (count(n).instances() - before.count(n).instances()) / (double) sessions, n));
        }
        return out;
    }

    /**
     * Checks what sessions may not hold of their own: a relay meter set
     * ({@code RelayMeters}: one per process) or any Micrometer object (fewer than one per
     * hundred sessions between {@code warm} and this histogram, {@code added} sessions apart).
     */
    public void assertMetersShared(String who, ClassHistogram warm, int added) {
        long relayMeters = count("org.haap.core.metrics.RelayMeters").instances();
        if (relayMeters != 1) {
            throw new AssertionError(who + ": " + relayMeters + " RelayMeters instances (expected: 1)");
        }
        long meterObjects = instancesAddedSince(warm, "io.micrometer.");
        if (meterObjects >= Math.max(1, added / 100)) {
            throw new AssertionError(who + ": " + meterObjects + " Micrometer objects more for " + added + " sessions");
        }
    }

    /**
     * What {@code sessions} sessions cost, as printed lines: the heap after a full GC before
     * the first session ({@code empty}), at {@code warmSessions} ({@code warm}) and at
     * {@code sessions} (this histogram); the bytes per session from empty and between warm and
     * now; then the {@code top} classes per session between warm and now.
     */
    public List<String> report(String who, ClassHistogram empty, ClassHistogram warm, int warmSessions, int sessions,
                               int top) {
        int added = sessions - warmSessions;
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%s: heap after full GC %d KiB empty, %d KiB at %d, %d KiB at %d sessions;"
                + " %.0f B per session from empty, %.0f B per session from %d to %d", who, empty.bytes() / 1024,
                warm.bytes() / 1024, warmSessions, bytes / 1024, sessions, (bytes - empty.bytes()) / (double) sessions,
                (bytes - warm.bytes()) / (double) added, warmSessions, sessions));
        out.add(who + ": top classes per session:");
        perSession(warm, added, top).forEach(l -> out.add("  " + l));
        return out;
    }
}
