package org.haap.robe;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of a successful establishment.
 *
 * @param channel   the connected MPTCP channel to the aggregation point: active, registered on
 *                  the event loop given to {@link Establisher#establish}, {@code AUTO_READ} off,
 *                  nothing read or written yet, an empty pipeline
 * @param path      the WAN its initial subflow uses
 * @param setupTime from the call to {@link Establisher#establish} until the channel was active
 * @param attempts  every attempt made, in the order they were started, the winner included
 */
public record Established(Channel channel, WanPath path, Duration setupTime, List<Attempt> attempts) {

    public Established {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(setupTime, "setupTime");
        attempts = List.copyOf(attempts);
    }
}
