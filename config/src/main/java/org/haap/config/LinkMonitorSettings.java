package org.haap.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.InetLiterals;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The gateway's link monitor ({@code haap.gateway.link-monitor}): per WAN a state (up,
 * degraded, down) from the interface's carrier and from authenticated UDP probes to the
 * aggregation point sent over that WAN. A silent blackhole is detected after at most
 * {@code interval × down-after + timeout}, where {@code interval} is the WAN's own
 * {@link WanConfig#probeInterval() probe-interval} if it has one ({@link #intervalFor}),
 * while another WAN answers; when no WAN answers, at least {@code allSilentHold}.
 * The thresholds count probes, so they apply to every WAN alike and the time they stand
 * for scales with each WAN's interval.
 *
 * @param enabled whether probes are sent and the state is kept at all
 * @param target where probes go; empty = the aggregation point's address and port (UDP)
 * @param interval one probe per WAN this often, unless the WAN sets its own, >= {@value #MIN_INTERVAL_MILLIS} ms
 * @param timeout a probe not answered within this is lost
 * @param downAfter consecutive lost probes after which a WAN is down, 1..100
 * @param upAfter consecutive answered probes after which a down WAN is up again, 1..100
 * @param window the probes (answered or lost) over which loss and RTT are judged, 2..1000
 * @param degradedLossPercent loss over the window at or above which an up WAN is degraded, 1..100
 * @param degradedRtt mean RTT over the window at or above which an up WAN is degraded
 * @param carrierPollInterval how often the interfaces' operational state is read
 * @param allSilentHold with two or more WANs and none answering, how old a WAN's first lost
 *        probe must be for it to go down (at most the detection bound: each WAN judged alone)
 */
public record LinkMonitorSettings(
        boolean enabled,
        Optional<InetSocketAddress> target,
        Duration interval,
        Duration timeout,
        int downAfter,
        int upAfter,
        int window,
        int degradedLossPercent,
        Duration degradedRtt,
        Duration carrierPollInterval,
        Duration allSilentHold) {

    /** The shortest probe interval, global or per WAN, in milliseconds. */
    public static final long MIN_INTERVAL_MILLIS = 10;

    public LinkMonitorSettings {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(degradedRtt, "degradedRtt");
        Objects.requireNonNull(carrierPollInterval, "carrierPollInterval");
        Objects.requireNonNull(allSilentHold, "allSilentHold");
    }

    /** The documented defaults: 200 ms probes, 300 ms timeout, down after 3, up after 2, all-silent hold 10 s. */
    public static LinkMonitorSettings defaults() {
        return new LinkMonitorSettings(true, Optional.empty(), Duration.ofMillis(200), Duration.ofMillis(300), 3, 2,
                10, 20, Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /** The longest a silent blackhole can go undetected at {@link #interval()}: see {@link #detectionBound(Duration)}. */
    public Duration detectionBound() {
        return detectionBound(interval);
    }

    /**
     * The longest a silent blackhole can go undetected on a WAN probed every
     * {@code probeInterval}: {@code probeInterval × downAfter + timeout}.
     */
    public Duration detectionBound(Duration probeInterval) {
        return probeInterval.multipliedBy(downAfter).plus(timeout);
    }

    /** How often {@code wan} is probed: its own {@code probe-interval}, else {@link #interval()}. */
    public Duration intervalFor(WanConfig wan) {
        return wan.probeInterval().orElse(interval);
    }

    static LinkMonitorSettings read(Section s) {
        Problems p = new Problems();
        Boolean enabled = p.read(() -> s.bool("enabled"));
        Section probe = s.child("probe");
        Optional<InetSocketAddress> target = p.read(() -> probe.isSet("target")
                ? Optional.of(probe.parseString("target", "a \"host:port\" string", LinkMonitorSettings::target))
                : Optional.empty());
        Duration interval = p.read(() -> probe.durationAtLeastMillis("interval", MIN_INTERVAL_MILLIS));
        Duration timeout = p.read(() -> probe.durationAtLeastMillis("timeout", 1));
        Integer downAfter = p.read(() -> probe.intInRange("down-after", 1, 100));
        Integer upAfter = p.read(() -> probe.intInRange("up-after", 1, 100));
        Integer window = p.read(() -> probe.intInRange("window", 2, 1000));
        Integer loss = p.read(() -> probe.intInRange("degraded-loss", 1, 100));
        Duration rtt = p.read(() -> probe.positiveDuration("degraded-rtt"));
        Duration allSilent = p.read(() -> probe.positiveDuration("all-silent-hold"));
        Duration carrier = p.read(() -> s.durationAtLeastMillis("carrier-poll-interval", 10));
        p.throwIfAny();
        if (downAfter > window) {
            throw probe.invalid("down-after", "<= window (" + window + ')');
        }
        return new LinkMonitorSettings(enabled, target, interval, timeout, downAfter, upAfter, window, loss, rtt,
                carrier, allSilent);
    }

    private static InetSocketAddress target(String text) {
        InetSocketAddress address = InetLiterals.parseSocketAddress(text);
        if (address.getAddress().isAnyLocalAddress() || address.getAddress().isMulticastAddress()) {
            throw new BadValue(text, "a unicast address, not a wildcard or multicast address");
        }
        if (address.getPort() == 0) {
            throw new BadValue(text, "a port in 1..65535");
        }
        return address;
    }
}
