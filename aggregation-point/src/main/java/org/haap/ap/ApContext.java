package org.haap.ap;

import io.netty.channel.group.ChannelGroup;
import org.haap.ap.internal.AdmissionBudget;
import org.haap.ap.internal.AttemptRegistry;
import org.haap.ap.internal.ClientKey;
import org.haap.ap.internal.PoolAdmission;
import org.haap.ap.internal.SessionLimiter;
import org.haap.ap.internal.TcpOptionSupport;
import org.haap.config.ApConfig;
import org.haap.config.SocketProtocol;
import org.haap.core.relay.RelayConfig;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every session of one aggregation point shares: its current configuration (replaced
 * as a whole by a reload, {@link #apply}), meters, the budgets (unauthenticated connections,
 * authenticated sessions, warm-pool admission), the set of open client channels and whether
 * the AP is draining (for the drain), the AP's own addresses (never a valid destination) and
 * the TCP options its upstream connections use (read once, at start).
 * A session takes one {@link Settings} snapshot when it is accepted and decides everything
 * with it, so a reload never mixes old and new values within one session.
 */
record ApContext(AtomicReference<Settings> current,
                 ApMetrics metrics,
                 AdmissionBudget admission,
                 SessionLimiter<ClientKey> limiter,
                 PoolAdmission pool,
                 Set<InetAddress> ownAddresses,
                 ChannelGroup clients,
                 AtomicBoolean draining,
                 AtomicLong sessionIds,
                 TcpOptionSupport tcpOptions,
                 String congestionControl,
                 AttemptRegistry attempts) {

    /**
     * One consistent view of the configuration.
     *
     * @param config the configuration
     * @param relay  the relay settings derived from it
     */
    record Settings(ApConfig config, RelayConfig relay) {
        static Settings of(ApConfig config) {
            return new Settings(config, new RelayConfig(config.relay().lowWatermark(),
                    config.relay().highWatermark(), config.timeouts().idle(), config.timeouts().halfClose(),
                    config.relay().splice(), RelayConfig.defaults().spliceChunk(), config.relay().splicePipes()));
        }

        /** Who {@code address} is for the limits. */
        ClientKey clientKey(InetAddress address) {
            return ClientKey.of(address, config.limits().ipv6ClientPrefix());
        }
    }

    /**
     * A context running {@code config}, with budgets and pool admission set from it and the
     * TCP options of this network namespace's sysctls.
     */
    static ApContext create(ApConfig config, ApMetrics metrics, Set<InetAddress> ownAddresses,
                            ChannelGroup clients) {
        return create(config, metrics, ownAddresses, clients,
                TcpOptionSupport.ofThisNamespace(config.protocol() == SocketProtocol.MPTCP), null);
    }

    /** {@link #create(ApConfig, ApMetrics, Set, ChannelGroup)} with the TCP options given. */
    static ApContext create(ApConfig config, ApMetrics metrics, Set<InetAddress> ownAddresses,
                            ChannelGroup clients, TcpOptionSupport tcpOptions) {
        return create(config, metrics, ownAddresses, clients, tcpOptions, null);
    }

    /**
     * A context running {@code config} with the TCP options given, whose listeners and upstream
     * connections use {@code congestionControl} ({@code null}: the host's default).
     */
    static ApContext create(ApConfig config, ApMetrics metrics, Set<InetAddress> ownAddresses,
                            ChannelGroup clients, TcpOptionSupport tcpOptions, String congestionControl) {
        var limits = config.limits();
        return new ApContext(new AtomicReference<>(Settings.of(config)), metrics,
                new AdmissionBudget(limits.maxUnauthenticated(), limits.maxUnauthenticatedPerClient()),
                new SessionLimiter<>(limits.maxSessions(), limits.maxSessionsPerClient()),
                new PoolAdmission(config.cookies().accepted(), limits.maxPooledPerClient(),
                        System::currentTimeMillis),
                ownAddresses, clients, new AtomicBoolean(), new AtomicLong(), tcpOptions, congestionControl,
                new AttemptRegistry(config.fastOpen().attemptWindow(), MAX_ATTEMPT_IDS, System::nanoTime));
    }

    /**
     * The most connection ids remembered per attempt window (about 80 bytes of heap each):
     * at the default 60 s, 4,300 new racing connections a second, several times what one AP
     * node carries today; beyond it new Connects get Error 64 until the window turns.
     */
    static final int MAX_ATTEMPT_IDS = 1 << 18;

    /** The configuration new sessions use now. */
    Settings settings() {
        return current.get();
    }

    /** The configuration new sessions use now. */
    ApConfig config() {
        return current.get().config();
    }

    /**
     * Makes {@code config} the configuration of every later session and pool hello; open
     * sessions keep theirs (and their budget and pool slots).
     */
    void apply(ApConfig config) {
        var limits = config.limits();
        admission.setLimits(limits.maxUnauthenticated(), limits.maxUnauthenticatedPerClient());
        limiter.setLimits(limits.maxSessions(), limits.maxSessionsPerClient());
        pool.update(config.cookies().accepted(), limits.maxPooledPerClient());
        current.set(Settings.of(config));
    }

    /** Whether the AP is draining (a shutdown started): no new session starts. */
    boolean isDraining() {
        return draining.get();
    }

    long nextSessionId() {
        return sessionIds.incrementAndGet();
    }
}
