package org.haap.config;

import java.net.InetSocketAddress;
import java.util.List;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The aggregation point's probe responder ({@code haap.aggregation-point.probe}): a UDP
 * echo that answers the gateways' link-monitor probes, only when they carry the HAAP probe
 * magic and a MAC keyed with an accepted cookie, at most {@code maxPerSecondPerSource} per
 * source address.
 *
 * @param enabled whether the responder runs
 * @param listen where it listens (UDP); empty = the addresses and ports of {@code listen}
 * @param maxPerSecondPerSource probes answered per second from one source address (bursts
 *     of as many), 1..10000
 */
public record ApProbeSettings(boolean enabled, List<InetSocketAddress> listen, int maxPerSecondPerSource) {

    public ApProbeSettings {
        listen = List.copyOf(listen);
    }

    /** {@link #listen()}, or {@code serviceListen} when it is empty. */
    public List<InetSocketAddress> effectiveListen(List<InetSocketAddress> serviceListen) {
        return listen.isEmpty() ? List.copyOf(serviceListen) : listen;
    }

    static ApProbeSettings read(Section s) {
        Problems p = new Problems();
        Boolean enabled = p.read(() -> s.bool("enabled"));
        List<InetSocketAddress> listen = p.read(() -> s.parseEach("listen",
                org.haap.config.internal.InetLiterals::parseSocketAddress));
        Integer rate = p.read(() -> s.intInRange("max-per-second-per-source", 1, 10_000));
        p.throwIfAny();
        return new ApProbeSettings(enabled, listen, rate);
    }
}
