package org.haap.gateway;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.haap.config.GatewayConfig;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.relay.RelayConfig;
import org.haap.gateway.internal.LoopGuard;
import org.haap.robe.Classic;
import org.haap.robe.Connector;
import org.haap.robe.Establisher;
import org.haap.robe.PathHistory;
import org.haap.robe.RobeIps;
import org.haap.robe.RobeSim;
import org.haap.robe.RobeTimer;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;
import org.haap.robe.pool.WarmPool;

/**
 * What every session of one gateway shares: its current configuration (replaced as a whole
 * by a reload, {@link #apply}) with what is derived from it, the WAN state and path history,
 * metrics, and the set of open sessions (for draining). A session takes one {@link Settings}
 * snapshot when it is accepted and decides everything with it, so a reload never mixes old
 * and new values within one session.
 */
final class GatewayContext {

    /** Bytes a LAN client may send before the AP's reply; reading pauses above this. */
    static final int EARLY_DATA_LIMIT = 64 * 1024;
    private static final int SPLICE_CHUNK = 64 * 1024;

    /**
     * One consistent view of the configuration.
     *
     * @param config      the configuration
     * @param connector   MPTCP connect attempts under its {@code timeouts.connect}
     * @param establisher the strategy {@code robe.mode} names, over {@code connector}
     * @param meters      the establishment meters of that strategy
     * @param relay       the relay settings derived from it
     */
    record Settings(GatewayConfig config, Connector connector, Establisher establisher,
            GatewayMetrics.Establishment meters, RelayConfig relay) {
    }

    private final AtomicReference<Settings> current = new AtomicReference<>();
    private final MptcpSockets sockets;
    private final WanState wanState;
    private final PathHistory history;
    private final GatewayMetrics metrics;
    private final LoopGuard loopGuard;
    private final String congestionControl;
    private final byte[] cookie;
    private final Set<GatewaySessionHandler> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong(System.nanoTime() & 0xffffff);
    private volatile boolean stopping;
    private final Map<EventLoop, WarmPool> pools =
            new ConcurrentHashMap<>();

    GatewayContext(GatewayConfig config, MptcpSockets sockets, WanState wanState, PathHistory history,
            GatewayMetrics metrics, LoopGuard loopGuard) {
        this(config, sockets, wanState, history, metrics, loopGuard, null);
    }

    /**
     * @param congestionControl the TCP congestion control of the connections to the AP and of
     *                          bypass connections ({@code null}: the host's default)
     */
    GatewayContext(GatewayConfig config, MptcpSockets sockets, WanState wanState, PathHistory history,
            GatewayMetrics metrics, LoopGuard loopGuard, String congestionControl) {
        this.congestionControl = congestionControl;
        this.sockets = Objects.requireNonNull(sockets, "sockets");
        this.wanState = Objects.requireNonNull(wanState, "wanState");
        this.history = Objects.requireNonNull(history, "history");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.loopGuard = Objects.requireNonNull(loopGuard, "loopGuard");
        this.cookie = config.cookie().map(c -> c.getBytes(StandardCharsets.UTF_8)).orElse(null);
        apply(config);
    }

    /** The establishment strategy {@code haap.gateway.robe.mode} names. */
    static Establisher establisher(GatewayConfig config, Connector connector, WanState state, PathHistory history) {
        return switch (config.robe().mode()) {
            case SIM -> new RobeSim(connector, state, history);
            case TIMER -> new RobeTimer(connector, state, history, config.robe().timerSynTimeout());
            case IPS -> new RobeIps(history,
                    new RobeTimer(connector, state, history, config.robe().timerSynTimeout()));
            case CLASSIC -> new Classic(connector, state, history);
        };
    }

    /**
     * Makes {@code config} the configuration of every later session (and of the warm pools'
     * connect attempts and hellos); open sessions keep theirs. The caller passes a
     * configuration whose start-only keys are the running ones
     * ({@link org.haap.gateway.internal.ReloadPlan}).
     */
    void apply(GatewayConfig config) {
        Connector connector = Connector.of(sockets, config.timeouts().connect(), congestionControl);
        current.set(new Settings(config, connector, establisher(config, connector, wanState, history),
                metrics.establishment(config.robe().mode().name().toLowerCase(Locale.ROOT)),
                new RelayConfig(config.relay().lowWatermark() > 0 ? config.relay().lowWatermark() : 1,
                        config.relay().highWatermark(), config.timeouts().idle(), config.timeouts().halfClose(),
                        config.relay().splice(), SPLICE_CHUNK, config.relay().splicePipes())));
    }

    /** The configuration new sessions use now, with what is derived from it. */
    Settings settings() {
        return current.get();
    }

    /** The configuration new sessions use now. */
    GatewayConfig config() {
        return current.get().config();
    }

    /**
     * A connector that makes each attempt with the {@linkplain #settings() current} one, so the
     * warm pools follow a reloaded {@code timeouts.connect}.
     */
    Connector currentConnector() {
        return new Connector() {
            @Override
            public ChannelFuture connect(EventLoop loop, InetSocketAddress ap, WanPath path) {
                return settings().connector().connect(loop, ap, path);
            }

            @Override
            public ChannelFuture connectDefaultRoute(EventLoop loop, InetSocketAddress ap) {
                return settings().connector().connectDefaultRoute(loop, ap);
            }
        };
    }

    MptcpSockets sockets() {
        return sockets;
    }

    /** The TCP congestion control of the connections this gateway makes ({@code null}: the host's default). */
    String congestionControl() {
        return congestionControl;
    }

    WanState wanState() {
        return wanState;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    LoopGuard loopGuard() {
        return loopGuard;
    }

    /** The Cookie TLV value, or {@code null} for none (read at start only). */
    byte[] cookie() {
        return cookie;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    Set<GatewaySessionHandler> sessions() {
        return sessions;
    }

    /** The warm pool of {@code loop}, or null when there is none. */
    WarmPool pool(EventLoop loop) {
        return pools.get(loop);
    }

    Map<EventLoop, WarmPool> pools() {
        return pools;
    }

    boolean stopping() {
        return stopping;
    }

    void stopping(boolean value) {
        stopping = value;
    }
}
