package org.haap.robe;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * RobE_IPS (initial path selection): the given WANs are reordered by their measured history
 * ({@link PathHistory#rank}: smoothed setup time and recent failures), then established as
 * {@link RobeTimer} does: the best WAN first, the next one after its SYN timeout.
 */
public final class RobeIps implements Establisher {

    private final PathHistory history;
    private final RobeTimer timer;

    /**
     * @param history ranks the WANs; receives setup times and failures
     * @param timer   establishes over the ranked WANs (built with the same history)
     */
    public RobeIps(PathHistory history, RobeTimer timer) {
        this.history = Objects.requireNonNull(history, "history");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths) {
        return timer.establish(loop, ap, history.rank(paths));
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths,
                                         FirstFlight flight) {
        return timer.establish(loop, ap, history.rank(paths), flight);
    }
}
