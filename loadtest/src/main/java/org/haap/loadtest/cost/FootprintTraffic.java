package org.haap.loadtest.cost;

/**
 * What one route's light traffic in a {@code footprint} run did.
 *
 * @param route           the route
 * @param shortOk         short connections that got their whole answer
 * @param shortFailed     short connections that failed (refused, reset, cut short, timed out)
 * @param downloadsOk     downloads that got every byte
 * @param downloadsFailed downloads that failed
 * @param bytes           answer bytes received in all
 * @param firstError      the first failure's message, or null
 */
record FootprintTraffic(Route route, long shortOk, long shortFailed, long downloadsOk, long downloadsFailed,
                        long bytes, String firstError) {

    /** Whether every connection of the route got its whole answer. */
    boolean allOk() {
        return shortFailed == 0 && downloadsFailed == 0;
    }
}
