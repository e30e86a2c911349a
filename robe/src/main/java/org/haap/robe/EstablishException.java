package org.haap.robe;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * No WAN reached the aggregation point. The message lists every attempt ("dsl: timeout after
 * 1000 ms (...); lte: unreachable after 0 ms (...)"); {@link #attempts()} has them as records.
 */
public final class EstablishException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient List<Attempt> attempts;

    public EstablishException(String target, List<Attempt> attempts) {
        super(message(target, attempts));
        this.attempts = List.copyOf(attempts);
    }

    /** The failed attempts in the order they were started. */
    public List<Attempt> attempts() {
        return attempts;
    }

    private static String message(String target, List<Attempt> attempts) {
        if (attempts.isEmpty()) {
            return "no WAN to reach " + target + " on";
        }
        return "no WAN reached " + target + ": "
                + attempts.stream().map(Attempt::toString).collect(Collectors.joining("; "));
    }
}
