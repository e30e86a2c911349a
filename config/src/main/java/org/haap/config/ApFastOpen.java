package org.haap.config;

import java.time.Duration;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * How the aggregation point takes a Convert message in a SYN (TCP Fast Open) and how it acts
 * once on a LAN connection that a gateway races over several WANs ({@code docs/fast-open.md}).
 * Three keys of {@code haap.aggregation-point}, documented in {@code reference.conf}.
 *
 * @param queue           {@code tcp-fast-open-queue}: the TFO queue length of each listener, 0 = off
 * @param cookiesRequired {@code tcp-fast-open-cookies = required}: data in a SYN is taken only
 *                        with a valid TFO cookie ({@code not-required}: from any SYN, {@code
 *                        TCP_FASTOPEN_NO_COOKIE} on the listeners)
 * @param attemptWindow   {@code attempt-window}: how long a gateway's connection id is remembered,
 *                        so that a second Connect carrying it is answered "duplicate attempt"
 */
public record ApFastOpen(int queue, boolean cookiesRequired, Duration attemptWindow) {

    /** Cookie policy values, as written in config. */
    public enum Cookies { REQUIRED, NOT_REQUIRED }

    /** The shortest attempt window: longer than any SYN retransmission a gateway waits for. */
    public static final Duration MIN_ATTEMPT_WINDOW = Duration.ofSeconds(10);

    public ApFastOpen {
        if (queue < 0) {
            throw new IllegalArgumentException("queue: " + queue + " (expected: >= 0)");
        }
        Objects.requireNonNull(attemptWindow, "attemptWindow");
    }

    /** Whether the listeners take data in SYNs without a cookie. */
    public boolean cookieLess() {
        return queue > 0 && !cookiesRequired;
    }

    static ApFastOpen read(Section s) {
        Problems p = new Problems();
        Integer queue = p.read(() -> s.intAtLeast("tcp-fast-open-queue", 0));
        Cookies cookies = p.read(() -> s.enumValue("tcp-fast-open-cookies", Cookies.class));
        Duration window = p.read(() -> s.durationAtLeastMillis("attempt-window", MIN_ATTEMPT_WINDOW.toMillis()));
        p.throwIfAny();
        return new ApFastOpen(queue, cookies == Cookies.REQUIRED, window);
    }
}
