package org.haap.loadtest.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compares two {@code jcmd PID GC.class_histogram} outputs: which classes' bytes grew most. */
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

    /** The {@code top} classes whose bytes grew most from {@code before} to {@code after}, one line each. */
    static List<String> growth(String before, String after, int top) {
        Map<String, long[]> b = parse(before);
        Map<String, long[]> a = parse(after);
        List<Map.Entry<String, long[]>> grown = new ArrayList<>(a.entrySet());
        grown.removeIf(e -> e.getValue()[1] <= b.getOrDefault(e.getKey(), new long[2])[1]);
        grown.sort((x, y) -> Long.compare(y.getValue()[1] - b.getOrDefault(y.getKey(), new long[2])[1],
                x.getValue()[1] - b.getOrDefault(x.getKey(), new long[2])[1]));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
            long[] was = b.getOrDefault(e.getKey(), new long[2]);
            out.add(String.format(Locale.ROOT, "%s +%d bytes (+%d instances; now %d bytes)", e.getKey(),
                    e.getValue()[1] - was[1], e.getValue()[0] - was[0], e.getValue()[1]));
        }
        return out;
    }
}
