package org.haap.config;

import java.time.Duration;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * 0-RTT establishment ({@code haap.gateway.robe.fast-open}, {@code docs/fast-open.md}): the
 * Convert message and the LAN client's first bytes travel in the SYN of every racing attempt
 * (TCP Fast Open), and the AP acts on them once.
 *
 * @param enabled        whether fresh connections use it
 * @param firstBytesWait how long a new LAN connection waits for its client's first bytes to
 *                       put them in the SYN (a client that speaks first has them there at once;
 *                       a server-first protocol waits this long, once); 0..1s
 */
public record RobeFastOpen(boolean enabled, Duration firstBytesWait) {

    /** The longest first-bytes wait. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /**
     * The default: off (5 ms wait when on). With kernel MPTCP an aggregation point sends nothing
     * before the client's third ACK, so the SYN's data saves no round trip (docs/fast-open.md).
     */
    public static final RobeFastOpen DEFAULT = new RobeFastOpen(false, Duration.ofMillis(5));

    public RobeFastOpen {
        Objects.requireNonNull(firstBytesWait, "firstBytesWait");
        if (firstBytesWait.isNegative() || firstBytesWait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("firstBytesWait: " + firstBytesWait + " (expected: 0..1s)");
        }
    }

    static RobeFastOpen read(Section s) {
        Problems p = new Problems();
        Boolean enabled = p.read(() -> s.bool("enabled"));
        Duration wait = p.read(() -> s.durationUpTo("first-bytes-wait", MAX_WAIT, "1s"));
        p.throwIfAny();
        return new RobeFastOpen(enabled, wait);
    }
}
