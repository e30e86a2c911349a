package org.haap.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * @param fastOpen TCP Fast Open on the listeners and the once-only rule for racing attempts
 * @param timeouts per-phase timeouts
 * @param clientsAllow client source addresses that may connect
 * @param destinations where sessions may connect to
 * @param limits session limits
 * @param relay relay settings
 * @param metrics the metrics endpoint
 * @param cookies which Convert cookies are accepted or required
 * @param probe the UDP responder to the gateways' link-monitor probes
 * @param congestionControl the TCP congestion control of the listeners (so of every
 *     accepted connection and its subflows) and of the upstream connections
 * @param cluster cluster mode: the C flag and the node address announced on every connection
 */
public record ApConfig(
        List<InetSocketAddress> listen,
        SocketProtocol protocol,
        int eventLoops,
        int backlog,
        ApFastOpen fastOpen,
        ApTimeouts timeouts,
        CidrSet clientsAllow,
        DestinationPolicy destinations,
        ApLimits limits,
        RelaySettings relay,
        MetricsSettings metrics,
        CookiePolicy cookies,
        ApProbeSettings probe,
        CongestionControl congestionControl,
        ApCluster cluster) {

    /** The HOCON path of the aggregation point's section. */
    public static final String PATH = "haap.aggregation-point";

    public ApConfig {
        listen = List.copyOf(listen);
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(fastOpen, "fastOpen");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(clientsAllow, "clientsAllow");
        Objects.requireNonNull(destinations, "destinations");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(cookies, "cookies");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(congestionControl, "congestionControl");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** The TCP Fast Open queue length of each listener; 0 = TFO off ({@code tcp-fast-open-queue}). */
    public int tcpFastOpenQueue() {
        return fastOpen.queue();
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

    /**
     * File descriptors one relaying session holds: the client's and the server's socket. A
     * direction moving data also borrows a splice pipe (two fds), from at most {@code
     * relay.splice-pipes} in the process ({@link #fdsForSplicePipes()}).
     */
    public static final int FDS_PER_SESSION = 2;
    /** File descriptors held whatever the load: the JVM and its class path, logs, the probe responder. */
    static final int FDS_BASE = 64;
    /** Per event loop: its epoll instance, wake-up eventfd and timerfd. */
    static final int FDS_PER_EVENT_LOOP = 3;

    /**
     * File descriptors the AP may need with every cap full: {@link #fdsPerSession()} per
     * {@code limits.max-sessions} (pooled connections count as sessions and take fewer), the
     * splice pipes ({@link #fdsForSplicePipes()}), one per {@code limits.max-unauthenticated},
     * a listener per address and event loop, each loop's own, the metrics endpoint's
     * connections and {@link #FDS_BASE}.
     */
    public long openFilesNeeded() {
        int loops = effectiveEventLoops();
        return (long) limits.maxSessions() * fdsPerSession() + fdsForSplicePipes() + limits.maxUnauthenticated()
                + (long) listen.size() * loops + (long) FDS_PER_EVENT_LOOP * loops
                + (metrics.enabled() ? metrics.maxConnections() + 1 : 0) + FDS_BASE;
    }

    /**
     * A warning when {@link #openFilesNeeded()} is over {@code limit}, the open-files limit
     * the AP runs with (it raises its soft limit to the hard one at start): past it, accepts
     * and upstream connects fail with EMFILE before the session caps refuse anything.
     */
    public Optional<String> openFilesWarning(long limit) {
        long needed = openFilesNeeded();
        if (needed <= limit) {
            return Optional.empty();
        }
        return Optional.of(PATH + ".limits.max-sessions: " + limits.maxSessions() + " sessions x "
                + fdsPerSession() + " fds, " + fdsForSplicePipes() + " for splice pipes (relay.splice-pipes),"
                + " with max-unauthenticated " + limits.maxUnauthenticated()
                + ", listeners and the process's own, need up to " + needed
                + " open files, over the limit of " + limit + " (RLIMIT_NOFILE hard limit;"
                + " expected: LimitNOFILE= / ulimit -Hn of at least " + needed + ", or lower limits)");
    }

    /** File descriptors one relaying session holds: {@link #FDS_PER_SESSION}, with splice or without. */
    public int fdsPerSession() {
        return FDS_PER_SESSION;
    }

    /** File descriptors of the splice pipes at most: two per {@code relay.splice-pipes}; 0 without splice. */
    public long fdsForSplicePipes() {
        return relay.splice() ? 2L * relay.splicePipes() : 0;
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
        ApFastOpen fastOpen = p.read(() -> ApFastOpen.read(s));
        ApTimeouts timeouts = p.read(() -> ApTimeouts.read(s.child("timeouts")));
        CidrSet clientsAllow = p.read(() -> CidrSet.read(s.child("clients"), "allow"));
        DestinationPolicy destinations = p.read(() -> DestinationPolicy.read(s.child("destinations")));
        ApLimits limits = p.read(() -> ApLimits.read(s.child("limits")));
        RelaySettings relay = p.read(() -> RelaySettings.read(s.child("relay")));
        MetricsSettings metrics = p.read(() -> MetricsSettings.read(s.child("metrics")));
        CookiePolicy cookies = p.read(() -> CookiePolicy.read(s));
        ApProbeSettings probe = p.read(() -> ApProbeSettings.read(s.child("probe")));
        CongestionControl congestion = p.read(() -> CongestionControl.read(s, "congestion-control"));
        ApCluster cluster = p.read(() -> ApCluster.read(s.child("cluster"), listen));
        p.throwIfAny();
        return new ApConfig(listen, protocol, eventLoops, backlog, fastOpen, timeouts, clientsAllow,
                destinations, limits, relay, metrics, cookies, probe, congestion, cluster);
    }
}
