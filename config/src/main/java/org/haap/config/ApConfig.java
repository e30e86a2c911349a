package org.haap.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The aggregation point's configuration: everything under {@value #PATH}, documented key
 * by key in {@code reference.conf}. Build it with {@link HaapConfigLoader#aggregationPoint}.
 *
 * @param listen where Convert clients connect; literal addresses, at least one
 * @param protocol the listening sockets' protocol
 * @param eventLoops event-loop threads (and listeners, one per loop); 0 = one per CPU
 * @param backlog the listen backlog of each listener
 * @param tcpFastOpenQueue the TCP Fast Open queue length of each listener; 0 = TFO off
 * @param timeouts per-phase timeouts
 * @param clientsAllow client source addresses that may connect
 * @param destinations where sessions may connect to
 * @param limits session limits
 * @param relay relay settings
 * @param metrics the metrics endpoint
 * @param cookies which Convert cookies are accepted or required
 * @param probe the UDP responder to the gateways' link-monitor probes
 */
public record ApConfig(
        List<InetSocketAddress> listen,
        SocketProtocol protocol,
        int eventLoops,
        int backlog,
        int tcpFastOpenQueue,
        ApTimeouts timeouts,
        CidrSet clientsAllow,
        DestinationPolicy destinations,
        ApLimits limits,
        RelaySettings relay,
        MetricsSettings metrics,
        CookiePolicy cookies,
        ApProbeSettings probe) {

    /** The HOCON path of the aggregation point's section. */
    public static final String PATH = "haap.aggregation-point";

    public ApConfig {
        listen = List.copyOf(listen);
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(clientsAllow, "clientsAllow");
        Objects.requireNonNull(destinations, "destinations");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(cookies, "cookies");
        Objects.requireNonNull(probe, "probe");
    }

    /**
     * Settings that are valid but leave the AP open in a way the operator probably did not
     * mean, one message each, naming the key ({@code check-config} prints them, the AP logs
     * them at start).
     */
    public List<String> warnings() {
        if (cookies.optionalDespiteCookies()) {
            return List.of(PATH + ".require-cookie: false while cookies are set: a client that sends no"
                    + " cookie is served, so the cookies authenticate nothing (expected: unset or true)");
        }
        return List.of();
    }

    /** {@link #eventLoops()}, with 0 replaced by the number of available CPUs. */
    public int effectiveEventLoops() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }

    static ApConfig read(Section s) {
        s.requireObject();
        Problems p = new Problems();
        p.add(s.unknownKeys());
        List<InetSocketAddress> listen = p.read(() -> s.socketAddresses("listen"));
        SocketProtocol protocol = p.read(() -> s.enumValue("protocol", SocketProtocol.class));
        Integer eventLoops = p.read(() -> s.intAtLeast("event-loops", 0));
        Integer backlog = p.read(() -> s.intAtLeast("backlog", 1));
        Integer tfoQueue = p.read(() -> s.intAtLeast("tcp-fast-open-queue", 0));
        ApTimeouts timeouts = p.read(() -> ApTimeouts.read(s.child("timeouts")));
        CidrSet clientsAllow = p.read(() -> CidrSet.read(s.child("clients"), "allow"));
        DestinationPolicy destinations = p.read(() -> DestinationPolicy.read(s.child("destinations")));
        ApLimits limits = p.read(() -> ApLimits.read(s.child("limits")));
        RelaySettings relay = p.read(() -> RelaySettings.read(s.child("relay")));
        MetricsSettings metrics = p.read(() -> MetricsSettings.read(s.child("metrics")));
        CookiePolicy cookies = p.read(() -> CookiePolicy.read(s));
        ApProbeSettings probe = p.read(() -> ApProbeSettings.read(s.child("probe")));
        p.throwIfAny();
        return new ApConfig(listen, protocol, eventLoops, backlog, tfoQueue, timeouts, clientsAllow,
                destinations, limits, relay, metrics, cookies, probe);
    }
}
