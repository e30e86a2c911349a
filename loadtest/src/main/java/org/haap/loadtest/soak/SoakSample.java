package org.haap.loadtest.soak;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reading of the AP process, taken while no soak operation was in flight and its
 * descriptor count had settled.
 *
 * @param seconds      time since the traffic started
 * @param fds          open file descriptors
 * @param threads      threads, without the JIT's compiler threads
 * @param heapKib      Java heap in use right after a full GC, KiB
 * @param rssKib       resident set size, KiB
 * @param validOk      valid sessions completed so far
 * @param validFailed  valid sessions failed so far
 * @param invalidSent  mutated messages sent so far
 */
record SoakSample(double seconds, int fds, int threads, long heapKib, long rssKib, long validOk, long validFailed,
                  long invalidSent) {

    /** The watched figure called {@code name}: fds, threads, heap or rss. */
    double value(String name) {
        return switch (name) {
            case "fds" -> fds;
            case "threads" -> threads;
            case "heap" -> heapKib;
            case "rss" -> rssKib;
            default -> throw new IllegalArgumentException("figure: " + name);
        };
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t_s", Math.round(seconds * 10) / 10.0);
        m.put("fds", fds);
        m.put("threads", threads);
        m.put("heap_after_gc_kib", heapKib);
        m.put("rss_kib", rssKib);
        m.put("valid_ok", validOk);
        m.put("valid_failed", validFailed);
        m.put("invalid_sent", invalidSent);
        return m;
    }
}
