package org.haap.robe;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A strategy that establishes one MPTCP connection to the aggregation point over one of
 * several WANs. Implementations: {@link RobeSim} (one SYN per WAN at once, first wins,
 * losers reset before any payload), {@link RobeTimer} (the next WAN after a SYN timeout),
 * {@link RobeIps} (the WAN with the best history first, then as the timer) and
 * {@link Classic} (one attempt on the default route); the warm pool fits the same contract.
 *
 * <p>Implementations are thread-safe and hold no per-connection state between calls.
 */
public interface Establisher {

    /**
     * Starts establishing a connection.
     *
     * @param loop  the event loop the returned channel is registered on (for splice, the
     *              event loop of the channel it will be relayed with); the returned future's
     *              listeners run on it
     * @param ap    the aggregation point
     * @param paths the WANs to use, in order of preference, at least one (typically
     *              {@link WanState#candidates()})
     * @return completes with the {@link Established} connection, or fails with an
     *         {@link EstablishException} listing every attempt; cancelling it abandons the
     *         attempts in flight and closes their sockets
     */
    Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths);

    /**
     * Starts establishing a connection that carries {@code flight} (0-RTT): the strategies that
     * race ({@link RobeSim}, {@link RobeTimer}, {@link RobeIps}) send it on every attempt with
     * TCP Fast Open and the first answer judged a win wins; this default establishes as
     * {@link #establish(EventLoop, InetSocketAddress, List)} and then sends the flight on the
     * winner (one round trip more). The returned {@link Established#answer()} holds the
     * winner's answer.
     */
    default Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths,
                                          FirstFlight flight) {
        return org.haap.robe.internal.FlightAfterHandshake.start(establish(loop, ap, paths), loop, ap, flight);
    }
}
