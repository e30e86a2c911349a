package org.haap.gateway.accounting;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes one tracked connection carried per WAN so far (what {@link WanAccounting} has
 * sampled of it). Confined to the connection's event loop.
 */
public final class WanUsage {

    private final Map<String, long[]> byWan = new LinkedHashMap<>();

    void add(String wan, long up, long down) {
        long[] b = byWan.computeIfAbsent(wan, w -> new long[2]);
        b[0] += up;
        b[1] += down;
    }

    /** Upstream bytes counted on {@code wan}. */
    public long up(String wan) {
        long[] b = byWan.get(wan);
        return b == null ? 0 : b[0];
    }

    /** Downstream bytes counted on {@code wan}. */
    public long down(String wan) {
        long[] b = byWan.get(wan);
        return b == null ? 0 : b[1];
    }

    /**
     * The WANs that carried bytes, in the order they first did, as
     * {@code name:up/down} separated by commas (for example {@code dsl:1200/53000,lte:0/8800}),
     * or {@code -} when none did.
     */
    public String summary() {
        if (byWan.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, long[]> e : byWan.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.getKey()).append(':').append(e.getValue()[0]).append('/').append(e.getValue()[1]);
        }
        return sb.toString();
    }
}
