package org.haap.gateway.pm;

import org.haap.gateway.link.LinkState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.haap.core.mptcp.MptcpFullInfo;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.gateway.pm.internal.BaseRtts;
import org.haap.gateway.pm.internal.ManagedConnection;
import org.haap.gateway.pm.internal.ManagedSubflow;
import org.haap.gateway.pm.internal.PmMeters;

/**
 * The userspace path manager's engine. It is fed with the kernel's {@code mptcp_pm} events
 * (in kernel terms: token, local and remote address and port), the link monitor's WAN
 * states, per-connection TCP samples and gateway-wide per-WAN rates; it keeps the table of
 * connections and subflows (a subflow belongs to the WAN owning its local address), hands
 * every event to the {@link PathManagerPolicy} and carries out what the policy wants
 * through {@link PmCommands} (see {@link PmConnection} for the rate bounds). A failed
 * command is logged and counted ({@code haap_gateway_pm_commands_total{result="failed"}}),
 * never fatal.
 *
 * <p>New subflows go to the connection's join target: an address the peer announced
 * (an aggregation-point cluster node's own address), else the initial subflow's remote
 * end, never that when the peer set the MP_CAPABLE "C" flag ({@link PmConnection#joinTarget()}).
 *
 * <p>A connection whose initial subflow's local address belongs to no WAN is ignored, and
 * so are all its later events. The caller passes only the gateway's own (client-side)
 * connections: events with {@code SERVER_SIDE} set are not for this engine.
 *
 * <p>Every public method may be called from any thread: it hands its work to the engine's
 * executor, one thread, where all table and policy code runs.
 */
public final class UserspacePathManager implements AutoCloseable, PmNetwork {

    /** How often every connection is re-evaluated (retries within the rate bounds, policy timers). */
    public static final Duration TICK = Duration.ofMillis(250);
    /** A known subflow missing from samples this long after it was established is dropped. */
    public static final Duration STALE = Duration.ofSeconds(2);

    private static final Logger LOG = System.getLogger(UserspacePathManager.class.getName());

    private final List<PmWan> wans;
    private final PathManagerPolicy policy;
    private final PmCommands commands;
    private final Executor executor;
    private final ScheduledExecutorService owned;
    private final LongSupplier nanoClock;
    private final PmMeters meters;
    private final Map<Long, ManagedConnection> connections = new HashMap<>();
    private final Set<Long> ignored = new HashSet<>();
    private final Map<PmWan, LinkState> states = new HashMap<>();
    private final Map<PmWan, Double> rates = new HashMap<>();
    private final Set<PmWan> saturated = new HashSet<>();
    private final BaseRtts baseRtts;
    /** Connections with a quick-retry timer running (only with an owned thread). */
    private final Set<Long> retrying = new HashSet<>();
    private boolean closed;

    /**
     * An engine running on {@code executor} (which must run tasks one at a time, in order)
     * with the clock {@code nanoClock}; it does not tick by itself ({@link #tick()}).
     */
    public UserspacePathManager(List<PmWan> wans, PathManagerPolicy policy, PmCommands commands,
            MeterRegistry registry, Executor executor, LongSupplier nanoClock) {
        this(wans, policy, commands, registry, executor, nanoClock, null);
    }

    private UserspacePathManager(List<PmWan> wans, PathManagerPolicy policy, PmCommands commands,
            MeterRegistry registry, Executor executor, LongSupplier nanoClock, ScheduledExecutorService owned) {
        this.wans = List.copyOf(wans);
        for (int i = 0; i < this.wans.size(); i++) {
            if (this.wans.get(i).index() != i) {
                throw new IllegalArgumentException("wans: " + this.wans + " (expected: wan i with index i)");
            }
        }
        this.policy = Objects.requireNonNull(policy, "policy");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.owned = owned;
        this.meters = new PmMeters(registry, this.wans);
        this.baseRtts = new BaseRtts(this.wans, registry);
        for (PmWan w : this.wans) {
            states.put(w, LinkState.UP);
        }
        Gauge.builder("haap.gateway.pm.connections", connections, Map::size)
                .description("MPTCP connections managed by the userspace path manager").register(registry);
    }

    /**
     * Starts an engine on its own thread ({@code haap-pm}) with {@link System#nanoTime()},
     * ticking every {@link #TICK}; {@link #close()} stops the thread.
     */
    public static UserspacePathManager start(List<PmWan> wans, PathManagerPolicy policy, PmCommands commands,
            MeterRegistry registry) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("haap-pm", true));
        UserspacePathManager pm = new UserspacePathManager(wans, policy, commands, registry, thread,
                System::nanoTime, thread);
        long tick = TICK.toNanos();
        thread.scheduleWithFixedDelay(pm::onTick, tick, tick, TimeUnit.NANOSECONDS);
        LOG.log(Level.INFO, () -> "path manager: userspace, policy " + policy.name() + ", WANs " + wans);
        return pm;
    }

    // ---- kernel events ----

    /** {@code CREATED}: an MPTCP connection's initial subflow {@code local -> remote} is being opened. */
    public void connectionCreated(long token, InetSocketAddress local, InetSocketAddress remote) {
        run(() -> admit(token, local, remote));
    }

    /** {@code ESTABLISHED}: connection {@code token} is established on {@code local -> remote}. */
    public void connectionEstablished(long token, InetSocketAddress local, InetSocketAddress remote) {
        connectionEstablished(token, local, remote, false);
    }

    /**
     * {@code ESTABLISHED}, with whether the peer refuses joins to {@code remote} (the event's
     * {@code DENY_JOIN_ID0} flag, the MP_CAPABLE "C" flag of an aggregation-point cluster
     * node): then the connection's joins wait for an address the peer announces.
     */
    public void connectionEstablished(long token, InetSocketAddress local, InetSocketAddress remote,
            boolean initialJoinsRefused) {
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c == null) {
                c = admit(token, local, remote);
                if (c == null) {
                    return;
                }
            }
            if (initialJoinsRefused) {
                c.refuseInitialJoins();
            }
            if (!c.established()) {
                c.markEstablished(wanOf(local));
                c.subflowEstablished(wanOf(local), local, remote, false);
                policy.connectionEstablished(c);
                settle(c);
            }
        });
    }

    /**
     * {@code ANNOUNCED}: the peer of {@code token} announced {@code address} (port 0: none)
     * under its id {@code remoteId}; the connection's joins go there from now on
     * ({@link PmConnection#joinTarget()}). Kept for a connection not yet established.
     */
    public void addressAnnounced(long token, int remoteId, InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c != null && c.announced(remoteId, address)) {
                LOG.log(Level.DEBUG, () -> "path manager: connection " + Long.toHexString(token) + ": peer announced "
                        + address + " (id " + remoteId + ')');
                settle(c);
            }
        });
    }

    /** {@code REMOVED}: the peer of {@code token} withdrew its address {@code remoteId}. */
    public void addressRemoved(long token, int remoteId) {
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c != null && c.removed(remoteId)) {
                settle(c);
            }
        });
    }

    /** {@code SUB_ESTABLISHED}: a new subflow of {@code token}. */
    public void subflowEstablished(long token, InetSocketAddress local, InetSocketAddress remote, boolean backup) {
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c != null) {
                policy.subflowEstablished(c, c.subflowEstablished(wanOf(local), local, remote, backup));
                settle(c);
            }
        });
    }

    /** {@code SUB_CLOSED}: a subflow of {@code token} closed, or a requested one failed; {@code errno} 0 = no error. */
    public void subflowClosed(long token, InetSocketAddress local, InetSocketAddress remote, int errno) {
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c != null) {
                ManagedSubflow s = c.subflowClosed(wanOf(local), local, remote, errno);
                if (s != null) {
                    policy.subflowClosed(c, s, errno);
                }
                settle(c);
            }
        });
    }

    /** {@code SUB_PRIORITY}: the backup flag of a subflow of {@code token} changed. */
    public void subflowPriority(long token, InetSocketAddress local, InetSocketAddress remote, boolean backup) {
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c != null) {
                ManagedSubflow s = c.subflowPriority(local, remote, backup);
                if (s != null) {
                    policy.subflowPriority(c, s);
                }
                settle(c);
            }
        });
    }

    /**
     * The gateway's relay found connection {@code token} to be bulk ({@code path-manager.bulk});
     * the policy hears it at once ({@link PmConnection#bulk()}). An unknown token is ignored.
     */
    public void flowBulk(long token) {
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c != null && c.markBulk()) {
                settle(c);
            }
        });
    }

    /** {@code CLOSED}: connection {@code token} is gone. */
    public void connectionClosed(long token) {
        run(() -> forget(token));
    }

    /** Drops connection {@code token} from the tables and tells the policy, once. */
    private void forget(long token) {
        ignored.remove(token);
        ManagedConnection c = connections.remove(token);
        if (c != null) {
            policy.connectionClosed(c);
        }
    }

    // ---- link monitor and samples ----

    /** The link monitor's new state of the WAN named {@code wan}; an unknown name is ignored. */
    public void wanState(String wan, LinkState state) {
        Objects.requireNonNull(state, "state");
        run(() -> {
            PmWan w = wanNamed(wan);
            LinkState previous = w == null ? null : states.put(w, state);
            if (w == null || previous == state) {
                return;
            }
            LOG.log(Level.INFO, () -> "path manager: WAN " + w + ' ' + previous + " -> " + state);
            if (state == LinkState.UP) {
                connections.values().forEach(c -> c.wanRecovered(w));
            }
            policy.wanStateChanged(w, previous, this);
            settleAll();
        });
    }

    /** The latest TCP counters of connection {@code token}'s subflows (e.g. from {@code MPTCP_FULL_INFO}). */
    public void sample(long token, List<SubflowInfo> subflows) {
        List<SubflowInfo> copy = List.copyOf(subflows);
        run(() -> {
            ManagedConnection c = connections.get(token);
            if (c == null) {
                return;
            }
            for (ManagedSubflow gone : c.sample(copy, STALE.toNanos())) {
                policy.subflowClosed(c, gone, 0);
            }
            policy.sampled(c);
            settle(c);
        });
    }

    /** {@link #sample(long, List)} of an {@code MPTCP_FULL_INFO} result. */
    public void sample(MptcpFullInfo info) {
        sample(info.connection().token(), info.subflows());
    }

    /** The gateway-wide throughput of each WAN, bits per second, by WAN name (unknown names are ignored). */
    public void wanRates(Map<String, Double> bitsPerSecond) {
        Map<String, Double> copy = Map.copyOf(bitsPerSecond);
        run(() -> {
            rates.clear();
            copy.forEach((name, rate) -> {
                PmWan w = wanNamed(name);
                if (w != null) {
                    rates.put(w, rate);
                }
            });
            policy.ratesSampled(this);
            settleAll();
        });
    }

    /**
     * Whether the WAN named {@code wan} is saturated ({@code org.haap.gateway.link.WanLoad});
     * every connection is re-evaluated on a change. An unknown name is ignored.
     */
    public void wanSaturated(String wan, boolean isSaturated) {
        run(() -> {
            PmWan w = wanNamed(wan);
            if (w != null && (isSaturated ? saturated.add(w) : saturated.remove(w))) {
                LOG.log(Level.DEBUG, () -> "path manager: WAN " + w + (isSaturated ? " saturated" : " no longer saturated"));
                settleAll();
            }
        });
    }

    /**
     * A link-monitor probe on the WAN named {@code wan} was answered after {@code rttNanos}:
     * it feeds the WAN's base RTT ({@link #baseRttNanos}); every connection is re-evaluated
     * when that became known or moved by {@link BaseRtts#NOTABLE_CHANGE}. An unknown name is ignored.
     */
    public void wanRtt(String wan, long rttNanos) {
        run(() -> {
            PmWan w = wanNamed(wan);
            if (w != null && baseRtts.add(w.index(), rttNanos, nanoClock.getAsLong())) {
                LOG.log(Level.DEBUG, () -> "path manager: WAN " + w + " base RTT "
                        + baseRtts.get(w.index(), nanoClock.getAsLong()).orElse(-1) / 1000 + " us");
                settleAll();
            }
        });
    }

    /** Re-evaluates every connection (the started engine does it every {@link #TICK}). */
    public void tick() {
        run(this::onTick);
    }

    /** Forgets every connection and stops the engine's own thread, if it has one; later calls do nothing. */
    @Override
    public void close() {
        run(() -> {
            closed = true;
            connections.clear();
            ignored.clear();
        });
        if (owned != null) {
            owned.shutdown();
        }
    }

    // ---- PmNetwork, for the policy (engine thread only) ----

    @Override
    public List<PmWan> wans() {
        return wans;
    }

    @Override
    public LinkState state(PmWan wan) {
        return states.getOrDefault(wan, LinkState.UP);
    }

    @Override
    public double rate(PmWan wan) {
        return rates.getOrDefault(wan, 0.0);
    }

    @Override
    public boolean saturated(PmWan wan) {
        return saturated.contains(wan);
    }

    @Override
    public OptionalLong baseRttNanos(PmWan wan) {
        return baseRtts.get(wan.index(), nanoClock.getAsLong());
    }

    @Override
    public Collection<? extends PmConnection> connections() {
        return connections.values().stream().filter(ManagedConnection::established).toList();
    }

    @Override
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** The commands sent, by kind, on {@code wan}, with result {@code result} (for tests and diagnostics). */
    public Map<PmMeters.Command, Double> commandCounts(PmWan wan, PmMeters.Result result) {
        Map<PmMeters.Command, Double> out = new EnumMap<>(PmMeters.Command.class);
        for (PmMeters.Command c : PmMeters.Command.values()) {
            out.put(c, meters.commands(c, wan, result));
        }
        return out;
    }

    /** The connection {@code token} as the policy sees it, or {@code null} (engine thread only; for tests). */
    public PmConnection connection(long token) {
        return connections.get(token);
    }

    // ---- internals ----

    private void run(Runnable task) {
        try {
            executor.execute(() -> {
                if (closed) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "path manager: unexpected error", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "path manager: stopped, event dropped");
        }
    }

    private ManagedConnection admit(long token, InetSocketAddress local, InetSocketAddress remote) {
        if (connections.containsKey(token) || ignored.contains(token)) {
            return connections.get(token);
        }
        if (wanOf(local) == null || remote == null) {
            ignored.add(token);
            meters.ignored();
            LOG.log(Level.DEBUG, () -> "path manager: connection " + Long.toHexString(token) + " from " + local
                    + " is on no WAN; left alone");
            return null;
        }
        ManagedConnection c = new ManagedConnection(token, remote, this);
        connections.put(token, c);
        return c;
    }

    private void onTick() {
        if (!closed) {
            settleAll();
        }
    }

    private void settleAll() {
        for (ManagedConnection c : List.copyOf(connections.values())) {
            settle(c);
        }
    }

    /** Lets the policy state what {@code c} should have, then sends the commands for it. */
    private void settle(ManagedConnection c) {
        if (!c.established()) {
            return;
        }
        policy.update(c);
        c.reconcile(commands, meters);
        if (c.gone()) {
            // the kernel no longer knows the token: as if its CLOSED event had come (it still will)
            forget(c.token());
            return;
        }
        retrySoon(c);
    }

    /**
     * A create the kernel refused because the connection was not fully established yet is
     * asked again when due ({@code ManagedConnection.NOT_READY_RETRY}), not at the next tick;
     * without a thread of its own (tests) the next tick does it.
     */
    private void retrySoon(ManagedConnection c) {
        long at = c.takeRetryAtNanos();
        if (at == Long.MAX_VALUE || owned == null || !retrying.add(c.token())) {
            return;
        }
        long delay = Math.max(0, at - nanoClock.getAsLong());
        try {
            owned.schedule(() -> run(() -> {
                retrying.remove(c.token());
                if (connections.get(c.token()) == c) {
                    settle(c);
                }
            }), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            retrying.remove(c.token()); // stopping
        }
    }

    private PmWan wanOf(InetSocketAddress local) {
        if (local == null) {
            return null;
        }
        InetAddress address = local.getAddress();
        for (PmWan w : wans) {
            if (w.owns(address)) {
                return w;
            }
        }
        return null;
    }

    private PmWan wanNamed(String name) {
        for (PmWan w : wans) {
            if (w.name().equals(name)) {
                return w;
            }
        }
        return null;
    }
}
