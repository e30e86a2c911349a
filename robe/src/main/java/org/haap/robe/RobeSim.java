package org.haap.robe;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.haap.robe.internal.Race;

/**
 * RobE_SIM: one MPTCP connect attempt (MP_CAPABLE SYN) per given WAN at the same instant,
 * each bound to its WAN's source address and device. The first to complete its handshake
 * wins; every other attempt is aborted before anything is written on it (reset if its
 * handshake had completed) and recorded as {@link Outcome#ABANDONED}. The winner's other
 * WANs get MP_JOIN subflows from the path manager. A failed attempt does not end the
 * establishment while another is still open.
 */
public final class RobeSim implements Establisher {

    private final Connector connector;
    private final WanState state;
    private final PathHistory history;

    /**
     * @param connector makes each attempt
     * @param state     receives every attempt's outcome
     * @param history   receives setup times and failures
     */
    public RobeSim(Connector connector, WanState state, PathHistory history) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.state = Objects.requireNonNull(state, "state");
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths) {
        return Race.start(loop, ap, paths, connector, state, history, null);
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths,
                                         FirstFlight flight) {
        return Race.start(loop, ap, paths, connector, state, history, null, flight);
    }
}
