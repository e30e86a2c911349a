package org.haap.loadtest.aprelay;

/**
 * One timed bulk transfer over one or more parallel connections.
 *
 * @param bytes       payload bytes moved in the timed window, all connections together
 * @param seconds     length of the window on the client's clock
 * @param minSubflows the fewest MPTCP subflows any of the client's connections had at the
 *                    end of the window (0 if one fell back to plain TCP)
 */
public record Measurement(long bytes, double seconds, int minSubflows) {

    /** Throughput in Mbit/s (10^6 bits per second). */
    public double mbitPerSecond() {
        return seconds <= 0 ? 0 : bytes * 8 / seconds / 1e6;
    }
}
