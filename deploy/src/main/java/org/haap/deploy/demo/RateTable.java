package org.haap.deploy.demo;

import java.util.Locale;

/** Formats the per-second table the demo prints: Mbit/s per WAN and direction, and totals. */
public final class RateTable {

    private RateTable() {
    }

    /** The header line. */
    public static String header() {
        return String.format(Locale.ROOT, "%4s %8s %8s %8s %8s %8s %8s   %s", "t", "dsl↑", "dsl↓", "lte↑", "lte↓",
                "total↑", "total↓", "(Mbit/s on the WAN interfaces)");
    }

    /** One row from byte counts of one second. */
    public static String row(int second, long dslUp, long dslDown, long lteUp, long lteDown, double seconds) {
        return String.format(Locale.ROOT, "%4d %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f", second,
                mbit(dslUp, seconds), mbit(dslDown, seconds), mbit(lteUp, seconds), mbit(lteDown, seconds),
                mbit(dslUp + lteUp, seconds), mbit(dslDown + lteDown, seconds));
    }

    private static double mbit(long bytes, double seconds) {
        return bytes * 8 / seconds / 1e6;
    }
}
