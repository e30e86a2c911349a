package org.haap.loadtest.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compares two {@code jcmd PID GC.class_histogram} outputs: which classes' bytes changed most. */
final class HeapHistogram {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private HeapHistogram() {
    }

    /** Bytes by class name. */
    static Map<String, long[]> parse(String histogram) {
        Map<String, long[]> m = new HashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher r = ROW.matcher(line);
            if (r.find()) {
                m.put(r.group(3), new long[] {Long.parseLong(r.group(1)), Long.parseLong(r.group(2))});
            }
        }
        return m;
    }

    /**
     * The {@code top} classes whose bytes changed most (either way) from {@code before} to
     * {@code after}, largest change first, one line each.
     */
    static List<String> changes(String before, String after, int top) {
        Map<String, long[]> b = parse(before);
        Map<String, long[]> a = parse(after);
        java.util.Set<String> names = new java.util.HashSet<>(b.keySet());
        names.addAll(a.keySet());
        long[] none = new long[2];
        List<String> changed = new ArrayList<>(names);
        changed.removeIf(n -> a.getOrDefault(n, none)[1] == b.getOrDefault(n, none)[1]);
        changed.sort(java.util.Comparator.comparingLong(
                (String n) -> -Math.abs(a.getOrDefault(n, none)[1] - b.getOrDefault(n, none)[1])).thenComparing(n -> n));
        List<String> out = new ArrayList<>();
        for (String n : changed.subList(0, Math.min(top, changed.size()))) {
            long[] was = b.getOrDefault(n, none);
            long[] now = a.getOrDefault(n, none);
            out.add(String.format(Locale.ROOT, "%s %+d bytes (%+d instances; now %d bytes)", n, now[1] - was[1],
                    now[0] - was[0], now[1]));
        }
        return out;
    }
}
