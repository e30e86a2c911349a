package org.haap.gateway;

import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.haap.config.GatewayConfig;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.relay.RelayConfig;
import org.haap.gateway.internal.LoopGuard;
import org.haap.robe.Establisher;
import org.haap.robe.WanState;
import org.haap.robe.pool.WarmPool;

/**
 * What every session of one gateway shares: configuration, the establishment strategy and
 * WAN state, metrics, and the set of open sessions (for draining).
 */
final class GatewayContext {

    /** Bytes a LAN client may send before the AP's reply; reading pauses above this. */
    static final int EARLY_DATA_LIMIT = 64 * 1024;
    private static final int SPLICE_CHUNK = 64 * 1024;

    private final GatewayConfig config;
    private final MptcpSockets sockets;
    private final Establisher establisher;
    private final WanState wanState;
    private final GatewayMetrics metrics;
    private final LoopGuard loopGuard;
    private final byte[] cookie;
    private final RelayConfig relayConfig;
    private final Set<GatewaySessionHandler> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong(System.nanoTime() & 0xffffff);
    private volatile boolean stopping;
    private final Map<EventLoop, WarmPool> pools =
            new ConcurrentHashMap<>();

    GatewayContext(GatewayConfig config, MptcpSockets sockets, Establisher establisher, WanState wanState,
            GatewayMetrics metrics, LoopGuard loopGuard) {
        this.config = Objects.requireNonNull(config, "config");
        this.sockets = Objects.requireNonNull(sockets, "sockets");
        this.establisher = Objects.requireNonNull(establisher, "establisher");
        this.wanState = Objects.requireNonNull(wanState, "wanState");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.loopGuard = Objects.requireNonNull(loopGuard, "loopGuard");
        this.cookie = config.cookie().map(c -> c.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.relayConfig = new RelayConfig(config.relay().lowWatermark() > 0 ? config.relay().lowWatermark() : 1,
                config.relay().highWatermark(), config.timeouts().idle(), config.timeouts().halfClose(),
                config.relay().splice(), SPLICE_CHUNK);
    }

    GatewayConfig config() {
        return config;
    }

    MptcpSockets sockets() {
        return sockets;
    }

    Establisher establisher() {
        return establisher;
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

    /** The Cookie TLV value, or {@code null} for none. */
    byte[] cookie() {
        return cookie;
    }

    RelayConfig relayConfig() {
        return relayConfig;
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
