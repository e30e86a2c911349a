package org.haap.robe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of a successful establishment.
 *
 * @param channel   the connected MPTCP channel to the aggregation point: active, registered on
 *                  the event loop given to {@link Establisher#establish}, {@code AUTO_READ} off,
 *                  an empty pipeline; nothing read or written yet unless a {@link FirstFlight}
 *                  was given
 * @param path      the WAN its initial subflow uses
 * @param setupTime from the call to {@link Establisher#establish} until the channel was active
 * @param attempts  every attempt made, in the order they were started, the winner included
 * @param answer    with a {@link FirstFlight}: every byte read on the winner (its whole answer so
 *                  far, which the flight judged a win), owned by the receiver, who must release
 *                  it; {@code null} otherwise (nothing read or written yet)
 */
public record Established(Channel channel, WanPath path, Duration setupTime, List<Attempt> attempts,
                          ByteBuf answer) {

    public Established {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(setupTime, "setupTime");
        attempts = List.copyOf(attempts);
    }

    /** A connection established without a first flight: nothing read or written on it yet. */
    public Established(Channel channel, WanPath path, Duration setupTime, List<Attempt> attempts) {
        this(channel, path, setupTime, attempts, null);
    }
}
