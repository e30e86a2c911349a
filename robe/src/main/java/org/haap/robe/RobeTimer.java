package org.haap.robe;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.haap.robe.internal.Race;

/**
 * RobE_TIMER: an attempt on the first given WAN (the primary); if it has no SYN/ACK within
 * the SYN timeout, or fails, an attempt on the next WAN starts while the earlier ones stay
 * alive, and so on; the first handshake to complete wins and the others are aborted as in
 * {@link RobeSim}. The SYN timeout is fixed, or automatic per WAN
 * ({@link PathHistory#synTimeout}: 3 × its smoothed setup time, 50 ms to 1 s).
 */
public final class RobeTimer implements Establisher {

    private final Connector connector;
    private final WanState state;
    private final PathHistory history;
    private final Optional<Duration> synTimeout;

    /**
     * @param connector  makes each attempt
     * @param state      receives every attempt's outcome
     * @param history    receives setup times and failures; gives the automatic SYN timeout
     * @param synTimeout a fixed SYN timeout &gt; 0, or empty for the automatic one
     */
    public RobeTimer(Connector connector, WanState state, PathHistory history, Optional<Duration> synTimeout) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.state = Objects.requireNonNull(state, "state");
        this.history = Objects.requireNonNull(history, "history");
        this.synTimeout = Objects.requireNonNull(synTimeout, "synTimeout");
        synTimeout.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("synTimeout: " + d + " (expected: > 0)");
            }
        });
    }

    /** The SYN timeout used for {@code path} now. */
    public Duration synTimeout(WanPath path) {
        return synTimeout.orElseGet(() -> history.synTimeout(path));
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths) {
        return Race.start(loop, ap, paths, connector, state, history, this::synTimeout);
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths,
                                         FirstFlight flight) {
        return Race.start(loop, ap, paths, connector, state, history, this::synTimeout, flight);
    }
}
