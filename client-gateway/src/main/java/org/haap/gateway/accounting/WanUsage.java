package org.haap.gateway.accounting;

import java.util.Arrays;

/**
 * The bytes one tracked connection carried per WAN so far (what {@link WanAccounting} has
 * sampled of it). Held for as long as its connection lasts: two small arrays, one entry per
 * WAN that carried bytes. Confined to the connection's event loop.
 */
public final class WanUsage {

    private static final String[] NONE = new String[0];

    /** The WANs that carried bytes, in the order they first did. */
    private String[] wans = NONE;
    /** Their bytes: up at {@code 2 * i}, down at {@code 2 * i + 1}. */
    private long[] bytes = new long[0];

    /** Adds {@code up} and {@code down} bytes carried by {@code wan}. */
    public void add(String wan, long up, long down) {
        int i = indexOf(wan);
        if (i < 0) {
            i = wans.length;
            wans = Arrays.copyOf(wans, i + 1);
            wans[i] = wan;
            bytes = Arrays.copyOf(bytes, 2 * (i + 1));
        }
        bytes[2 * i] += up;
        bytes[2 * i + 1] += down;
    }

    private int indexOf(String wan) {
        for (int i = 0; i < wans.length; i++) {
            if (wans[i].equals(wan)) {
                return i;
            }
        }
        return -1;
    }

    /** Upstream bytes counted on {@code wan}. */
    public long up(String wan) {
        int i = indexOf(wan);
        return i < 0 ? 0 : bytes[2 * i];
    }

    /** Downstream bytes counted on {@code wan}. */
    public long down(String wan) {
        int i = indexOf(wan);
        return i < 0 ? 0 : bytes[2 * i + 1];
    }

    /** What one WAN carried: {@code up} and {@code down} bytes. */
    @FunctionalInterface
    public interface PerWan {
        void accept(String wan, long up, long down);
    }

    /** Hands every WAN that carried bytes, in the order they first did, to {@code action}. */
    public void forEach(PerWan action) {
        for (int i = 0; i < wans.length; i++) {
            action.accept(wans[i], bytes[2 * i], bytes[2 * i + 1]);
        }
    }

    /**
     * The WANs that carried bytes, in the order they first did, as
     * {@code name:up/down} separated by commas (for example {@code dsl:1200/53000,lte:0/8800}),
     * or {@code -} when none did.
     */
    public String summary() {
        if (wans.length == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < wans.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(wans[i]).append(':').append(bytes[2 * i]).append('/').append(bytes[2 * i + 1]);
        }
        return sb.toString();
    }
}
