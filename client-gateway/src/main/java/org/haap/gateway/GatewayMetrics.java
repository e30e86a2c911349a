package org.haap.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.metrics.ConfigReloads;
import org.haap.core.metrics.RelayMeters;
import org.haap.core.net.AcceptBackoff;
import org.haap.core.sys.NetlinkEventStats;
import org.haap.gateway.accounting.WanAccounting;
import org.haap.gateway.flow.FlowClassifier;
import org.haap.robe.Attempt;
import org.haap.robe.Outcome;
import org.haap.robe.WanPath;
import org.haap.robe.pool.PoolListener;

/**
 * The gateway's meters, registered once at start-up with bounded label values (WAN names
 * come from the configuration); the per-connection path only increments pre-bound meters.
 * Exported names are listed in the module README ({@code haap_gateway_...}).
 */
public final class GatewayMetrics {

    /** What became of an intercepted LAN connection (label {@code result}). */
    public enum Result {
        /** Carried through the aggregation point. */
        RELAYED,
        /** The AP answered with a Convert Error TLV; the LAN connection was reset. */
        CONVERT_ERROR,
        /** No WAN reached the AP; the LAN connection was reset. */
        AP_UNREACHABLE,
        /** Connected directly (bypass), not through the AP. */
        BYPASSED,
        /** The direct (bypass) connection failed; the LAN connection was reset. */
        BYPASS_FAILED,
        /** Addressed to the gateway itself or to the AP: closed, never carried. */
        LOOP,
        /** The AP's reply did not arrive in time, was malformed, or the AP closed first. */
        AP_PROTOCOL_ERROR,
        /** The LAN client went away before the session was set up. */
        CLIENT_GONE,
        /** The gateway was stopping. */
        SHUTDOWN
    }

    /**
     * What became of a session whose warm-pool connection failed before the aggregation
     * point's reply (label {@code action}).
     */
    public enum PoolFailure {
        /**
         * The AP provably did not act on the Convert message (the connection was gone before
         * anything was written on it, or the AP refused before any upstream connect): the same
         * bytes went on a fresh connection.
         */
        RETRIED,
        /**
         * The Convert message and the client's bytes had been written when the connection
         * closed, reset or answered garbage: the AP may have forwarded them, so the LAN
         * connection was reset rather than send them twice.
         */
        RESET
    }

    private final Map<Result, Counter> intercepted = new EnumMap<>(Result.class);
    private final AtomicInteger active = new AtomicInteger();
    private final Map<ConvertErrorCode, Counter> convertErrors = new EnumMap<>(ConvertErrorCode.class);
    private final Counter fallbacks;
    private final Counter acceptFdLimit;
    private final Counter refusedFdLimit;
    private final List<WanPath> paths;
    private final Map<String, Establishment> establishments = new ConcurrentHashMap<>();
    private final ConfigReloads reloads;
    private final RelayMeters relay;
    private final WanAccounting wanAccounting;
    private final FlowClassifier flows;
    private final Counter poolHits;
    private final Counter poolMisses;
    private final Map<PoolFailure, Counter> poolFailures = new EnumMap<>(PoolFailure.class);
    private final AtomicInteger poolIdle = new AtomicInteger();
    private final MeterRegistry registry;
    private final NetlinkEventStats mptcpEvents = new NetlinkEventStats();
    private final NetlinkEventStats rtnlEvents = new NetlinkEventStats();

    /**
     * @param registry where the meters are registered
     * @param paths    the configured WANs (label {@code wan})
     * @param mode     the establishment strategy (label {@code mode}: sim, timer, ips, classic)
     */
    public GatewayMetrics(MeterRegistry registry, List<WanPath> paths, String mode) {
        wanAccounting = new WanAccounting(registry, paths);
        flows = new FlowClassifier(registry, paths.stream().map(WanPath::name).toList());
        this.registry = registry;
        this.paths = List.copyOf(paths);
        poolHits = Counter.builder("haap.gateway.pool.takes").description(
                "LAN connections that looked for a warm-pool connection, by result").tag("result", "hit")
                .register(registry);
        poolMisses = Counter.builder("haap.gateway.pool.takes").description(
                "LAN connections that looked for a warm-pool connection, by result").tag("result", "miss")
                .register(registry);
        for (PoolFailure f : PoolFailure.values()) {
            poolFailures.put(f, Counter.builder("haap.gateway.pool.failures").description(
                    "Warm-pool connections that failed before the aggregation point's reply, by what the session did:"
                    + " retried on a fresh connection (provably not acted on) or reset (it may have been)")
                    .tag("action", lower(f)).register(registry));
        }
        Gauge.builder("haap.gateway.pool.connections", poolIdle, AtomicInteger::get)
                .description("Idle warm-pool connections ready to be taken").register(registry);
        for (Result r : Result.values()) {
            intercepted.put(r, Counter.builder("haap.gateway.connections.intercepted")
                    .description("Intercepted LAN connections, by what became of them")
                    .tag("result", lower(r)).register(registry));
        }
        acceptFdLimit = Counter.builder("haap.gateway.accept.errors")
                .description("Accepts that failed, by reason (fd_limit: out of file descriptors,"
                        + " EMFILE/ENFILE; pending connections are then reset or accepting pauses 10 ms .. 1 s)")
                .tag("reason", "fd_limit").register(registry);
        refusedFdLimit = Counter.builder("haap.gateway.connections.refused")
                .description("LAN connections reset at accept, by reason (fd_limit: out of file descriptors)")
                .tag("reason", "fd_limit").register(registry);
        Gauge.builder("haap.gateway.sessions.active", active, AtomicInteger::get)
                .description("Intercepted LAN connections currently open (any phase)")
                .register(registry);
        for (ConvertErrorCode code : ConvertErrorCode.values()) {
            convertErrors.put(code, Counter.builder("haap.gateway.convert.errors.received")
                    .description("Convert Error TLVs received from the aggregation point, by RFC 8803 error code")
                    .tag("code", lower(code)).register(registry));
        }
        fallbacks = Counter.builder("haap.gateway.mptcp.fallbacks")
                .description("Connections to the aggregation point that fell back to plain TCP")
                .register(registry);
        establishment(mode);
        reloads = new ConfigReloads(registry, "haap.gateway.config.reloads");
        netlink(registry, "mptcp_pm_events", mptcpEvents);
        netlink(registry, "rtnetlink", rtnlEvents);
        relay = new RelayMeters(registry, RelayMeters.Role.GATEWAY);
    }

    /**
     * What the listeners report when out of file descriptors: {@code haap_gateway_accept_errors_total}
     * per failed accept, {@code haap_gateway_connections_refused_total} per connection reset.
     */
    AcceptBackoff.Listener acceptListener() {
        return AcceptBackoff.Listener.of(acceptFdLimit::increment, refusedFdLimit::increment);
    }

    /** Flow classes (short, bulk) of the sessions relayed through the aggregation point. */
    public FlowClassifier flows() {
        return flows;
    }

    /** Bytes per WAN from the subflows of the connections to the aggregation point. */
    public WanAccounting wanAccounting() {
        return wanAccounting;
    }

    /** Counts of the path manager's {@code mptcp_pm_events} subscription ({@code subscription="mptcp_pm_events"}). */
    public NetlinkEventStats mptcpEventStats() {
        return mptcpEvents;
    }

    /** Counts of the link monitor's rtnetlink subscription ({@code subscription="rtnetlink"}). */
    public NetlinkEventStats rtnlEventStats() {
        return rtnlEvents;
    }

    private static void netlink(MeterRegistry registry, String subscription, NetlinkEventStats stats) {
        for (NetlinkEventStats.Drop d : NetlinkEventStats.Drop.values()) {
            FunctionCounter.builder("haap.gateway.netlink.messages.dropped", stats, s -> s.dropped(d))
                    .description("Kernel netlink messages dropped by the gateway's event subscriptions, by reason:"
                            + " unknown type, malformed, decoder or listener failed, not sent by the kernel")
                    .tag("subscription", subscription).tag("reason", lower(d)).register(registry);
        }
        FunctionCounter.builder("haap.gateway.netlink.overruns", stats, NetlinkEventStats::overruns)
                .description("Receive-queue overruns (ENOBUFS) of the gateway's netlink event subscriptions;"
                        + " each lost events")
                .tag("subscription", subscription).register(registry);
        FunctionCounter.builder("haap.gateway.netlink.errors", stats, NetlinkEventStats::errors)
                .description("Socket errors that ended a netlink event subscription's receive loop")
                .tag("subscription", subscription).register(registry);
    }

    /** The registry the meters are in (the link monitor registers its own there). */
    MeterRegistry registry() {
        return registry;
    }

    void sessionOpened() {
        active.incrementAndGet();
    }

    void sessionClosed() {
        active.decrementAndGet();
    }

    /** The number of open sessions. */
    public int activeSessions() {
        return active.get();
    }

    void intercepted(Result result) {
        intercepted.get(result).increment();
    }

    void convertError(ConvertErrorCode code) {
        convertErrors.get(code).increment();
    }

    /** The listener that counts warm-pool hits and misses. */
    PoolListener poolListener() {
        return new PoolListener() {
            @Override
            public void hit() {
                poolHits.increment();
            }

            @Override
            public void miss() {
                poolMisses.increment();
            }
        };
    }

    /** Sets the idle pooled connections gauge (sum over the event loops' pools). */
    void poolIdle(int n) {
        poolIdle.set(n);
    }

    void poolFailure(PoolFailure action) {
        poolFailures.get(action).increment();
    }

    /** Sessions whose warm-pool connection failed before the reply and that then took {@code action}, so far. */
    public double poolFailures(PoolFailure action) {
        return poolFailures.get(action).count();
    }

    /** Warm-pool hits so far. */
    public double poolHits() {
        return poolHits.count();
    }

    void fallback() {
        fallbacks.increment();
    }

    /**
     * The establishment meters of strategy {@code mode} (label {@code mode}), registered the
     * first time a mode is asked for: at start for {@code robe.mode}, on a reload for a new one.
     */
    Establishment establishment(String mode) {
        return establishments.computeIfAbsent(mode, m -> new Establishment(registry, paths, m));
    }

    /** Configuration re-reads on SIGHUP ({@code haap_gateway_config_reloads_total}). */
    ConfigReloads configReloads() {
        return reloads;
    }

    /**
     * The meters of one establishment strategy: attempts by WAN and outcome, winners by WAN,
     * setup time. A session counts into those of the strategy it was set up with.
     */
    static final class Establishment {
        private final Map<String, Map<Outcome, Counter>> attempts = new HashMap<>();
        private final Map<String, Counter> winners = new HashMap<>();
        private final Timer setup;

        private Establishment(MeterRegistry registry, List<WanPath> paths, String mode) {
            for (WanPath p : paths) {
                Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
                for (Outcome o : Outcome.values()) {
                    byOutcome.put(o, Counter.builder("haap.gateway.establish.attempts")
                            .description("MPTCP connect attempts to the aggregation point, by strategy, WAN and result")
                            .tag("mode", mode).tag("wan", p.name()).tag("result", lower(o)).register(registry));
                }
                attempts.put(p.name(), byOutcome);
                winners.put(p.name(), Counter.builder("haap.gateway.establish.winners")
                        .description("Established connections to the aggregation point, by strategy and the WAN of "
                                + "the initial subflow")
                        .tag("mode", mode).tag("wan", p.name()).register(registry));
            }
            setup = Timer.builder("haap.gateway.establish.setup")
                    .description("Time to establish the MPTCP connection to the aggregation point (all attempts)")
                    .tag("mode", mode)
                    .publishPercentileHistogram()
                    .register(registry);
        }

        void attempts(List<Attempt> list) {
            for (Attempt a : list) {
                Map<Outcome, Counter> byOutcome = attempts.get(a.path().name());
                if (byOutcome != null) {
                    byOutcome.get(a.outcome()).increment();
                }
            }
        }

        void established(WanPath winner, Duration setupTime) {
            Counter c = winners.get(winner.name());
            if (c != null) {
                c.increment();
            }
            setup.record(setupTime);
        }
    }

    /**
     * The relay's meters ({@code haap_gateway_relay_*}), every session's {@link org.haap.core.relay.RelayListener};
     * also for the bytes forwarded before the relay takes over (early LAN data, the AP's first bytes after its reply).
     */
    public RelayMeters relay() {
        return relay;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
