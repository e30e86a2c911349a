package org.haap.gateway.link;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.haap.robe.WanPath;

/**
 * What every WAN's probes tell about the others: per WAN, the send time of the newest probe
 * answered on it (late answers included). A WAN whose probes go unanswered while another
 * WAN's probe sent after them was answered has a loss of its own; when no WAN answers, the
 * cause may be common to all of them (the aggregation point, or this host, starved or
 * stopped) and a {@link PathStateMachine} waits longer before it calls a WAN down. Not
 * thread-safe: used on the monitor's one thread.
 */
public final class AnswerBoard {

    private final Map<WanPath, Long> newestAnsweredSent = new HashMap<>();

    /** A probe sent at {@code sentNanos} on {@code path} was answered. */
    public void answered(WanPath path, long sentNanos) {
        newestAnsweredSent.merge(Objects.requireNonNull(path, "path"), sentNanos, Math::max);
    }

    /** Whether a WAN other than {@code path} answered a probe sent at or after {@code sentNanos}. */
    public boolean answeredElsewhereSince(WanPath path, long sentNanos) {
        for (Map.Entry<WanPath, Long> e : newestAnsweredSent.entrySet()) {
            if (!e.getKey().equals(path) && e.getValue() - sentNanos >= 0) {
                return true;
            }
        }
        return false;
    }
}
