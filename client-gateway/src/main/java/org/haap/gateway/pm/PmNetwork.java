package org.haap.gateway.pm;

import org.haap.gateway.link.LinkState;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/** A policy's view of what is not per connection: the WANs, their states and rates, all connections. */
public interface PmNetwork {

    /** Every WAN, in order of preference. */
    List<PmWan> wans();

    /** The link monitor's latest state of {@code wan}; {@link LinkState#UP} until it reported one. */
    LinkState state(PmWan wan);

    /** The gateway-wide throughput of {@code wan} in bits per second from the latest rates sample; 0 before one. */
    double rate(PmWan wan);

    /**
     * Whether {@code wan} is saturated: it carries close to the highest rate it was seen to
     * carry ({@code org.haap.gateway.link.WanLoad}); {@code false} until told otherwise.
     */
    boolean saturated(PmWan wan);

    /**
     * {@code wan}'s base RTT in nanoseconds: the lowest RTT the link monitor's probes measured
     * on it over the last 30 s ({@code org.haap.gateway.pm.internal.BaseRtts}); empty while no
     * probe was answered in that time (or the link monitor is off).
     */
    OptionalLong baseRttNanos(PmWan wan);

    /** The managed connections (established, with a WAN), in no particular order. */
    Collection<? extends PmConnection> connections();

    /** The engine's monotonic clock, nanoseconds. */
    long nanoTime();
}
