package org.haap.gateway.link;

import java.util.List;
import org.haap.robe.WanPath;

/**
 * What the link monitor reports, one callback per event, all optional. Callbacks run on the
 * monitor's own thread and must not block.
 */
public interface LinkListener {

    /** {@code path} went from {@code from} to {@code to}; {@code reason} says why, for the log. */
    default void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
    }

    /** A probe on {@code path} was answered after {@code rttNanos}. */
    default void probeAnswered(WanPath path, long rttNanos) {
    }

    /** A probe on {@code path} was not answered within the timeout. */
    default void probeLost(WanPath path) {
    }

    /** A probe on {@code path} was sent. */
    default void probeSent(WanPath path) {
    }

    /** One listener that calls each of {@code listeners} in order. */
    static LinkListener all(List<? extends LinkListener> listeners) {
        List<LinkListener> copy = List.copyOf(listeners);
        return new LinkListener() {
            @Override
            public void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
                copy.forEach(l -> l.stateChanged(path, from, to, reason));
            }

            @Override
            public void probeAnswered(WanPath path, long rttNanos) {
                copy.forEach(l -> l.probeAnswered(path, rttNanos));
            }

            @Override
            public void probeLost(WanPath path) {
                copy.forEach(l -> l.probeLost(path));
            }

            @Override
            public void probeSent(WanPath path) {
                copy.forEach(l -> l.probeSent(path));
            }
        };
    }
}
