package org.haap.gateway.accounting;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.haap.core.mptcp.MptcpFullInfo;
import org.haap.core.mptcp.MptcpInfo;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.relay.Direction;
import org.haap.robe.WanPath;

/**
 * Counts the payload bytes each WAN carries for the gateway's MPTCP connections to the
 * aggregation point: every {@linkplain #track tracked} connection's subflows are read
 * ({@code MPTCP_FULL_INFO}) every sampling interval unless the connection is quiet (its
 * {@code MPTCP_INFO} shows nothing in flight and nothing moved since its last sample: an
 * idle connection costs one small read a round), and once more just before the
 * connection is closed by the gateway, and each subflow's growth is added to the WAN whose
 * address is the subflow's local address. Up = bytes the aggregation point acknowledged
 * (retransmissions count once), down = bytes received.
 *
 * <p>Meters: {@code haap_gateway_wan_subflows{wan}} (subflows per WAN at the last sample)
 * and {@code haap_gateway_wan_bytes_total{wan,direction}} (direction {@code upstream}
 * or {@code downstream}, as the relay's counters; {@code wan="other"} for a subflow from an
 * address no WAN owns). Not counted: connections that fell back to plain TCP (counted in
 * {@code haap_gateway_mptcp_fallbacks_total}), and what a subflow carried after the last
 * sample when it closes before its connection or when the connection is reset by the peer
 * (at most one interval's worth).
 *
 * <p>Thread-safe: every connection is sampled on its own event loop.
 */
public final class WanAccounting {

    /** The sampling interval of {@link #WanAccounting(MeterRegistry, List)}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** The {@code wan} label of bytes from an address no configured WAN owns. */
    public static final String OTHER = "other";

    private static final String HANDLER = "haap-wan-accounting";
    private static final int TCP_ESTABLISHED = 1;
    private static final String[] NO_WANS = new String[0];

    private final Duration interval;
    private final Map<InetAddress, String> wanByAddress = new HashMap<>();
    private final Map<String, Map<Direction, Counter>> counters = new HashMap<>();
    private final Map<EventExecutor, Set<Channel>> tracked = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> samplers = new ArrayList<>();
    private volatile Consumer<MptcpFullInfo> sampleListener = info -> { };
    private volatile Consumer<Map<String, Double>> rateListener = rates -> { };
    private final Map<String, double[]> lastCounts = new HashMap<>(); // the rate task's thread only
    /** Per event loop, per WAN: the subflows its connections had at its last sampling round. */
    private final Map<EventExecutor, Map<String, Integer>> subflowsByLoop = new ConcurrentHashMap<>();
    private long lastRateNanos;

    /** Accounting for {@code wans}, sampled every {@link #DEFAULT_INTERVAL}. */
    public WanAccounting(MeterRegistry registry, List<WanPath> wans) {
        this(registry, wans, DEFAULT_INTERVAL);
    }

    /** Accounting for {@code wans}, sampled every {@code interval} (&gt; 0). */
    public WanAccounting(MeterRegistry registry, List<WanPath> wans, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        this.interval = interval;
        List<String> names = new ArrayList<>();
        for (WanPath w : wans) {
            wanByAddress.put(w.source(), w.name());
            if (w.source6() != null) {
                wanByAddress.put(w.source6(), w.name());
            }
            names.add(w.name());
        }
        names.add(OTHER);
        for (String name : names) {
            Map<Direction, Counter> byDirection = new java.util.EnumMap<>(Direction.class);
            for (Direction d : Direction.values()) {
                byDirection.put(d, Counter.builder("haap.gateway.wan.bytes")
                        .description("Payload bytes carried by each WAN's subflows to and from the aggregation point "
                                + "(upstream = acknowledged by the AP, downstream = received)")
                        .baseUnit("bytes").tag("wan", name).tag("direction", d.name().toLowerCase(Locale.ROOT))
                        .register(registry));
            }
            counters.put(name, byDirection);
            Gauge.builder("haap.gateway.wan.subflows", () -> subflows(name))
                    .description("Established subflows of the gateway's MPTCP connections to the aggregation point "
                            + "on each WAN (as of the last sample, every interval)")
                    .tag("wan", name).register(registry);
        }
    }

    /** The established subflows on {@code wan} at the last sampling round of every event loop. */
    public int subflows(String wan) {
        int n = 0;
        for (Map<String, Integer> m : subflowsByLoop.values()) {
            n += m.getOrDefault(wan, 0);
        }
        return n;
    }

    /**
     * Also hands every periodic sample of a tracked connection to {@code listener} (on the
     * connection's event loop; for the path manager). A quiet connection (nothing in flight,
     * no byte or subflow count changed since its last sample) is not sampled, so the listener
     * hears of it again when it changes. Set before {@link #start}.
     */
    public void onSample(Consumer<MptcpFullInfo> listener) {
        this.sampleListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Also computes, every interval, each WAN's rate in bits per second in its busier
     * direction and hands the map (WAN name to rate, without {@link #OTHER}) to
     * {@code listener} (for the path manager). Set before {@link #start}.
     */
    public void onRates(Consumer<Map<String, Double>> listener) {
        this.rateListener = Objects.requireNonNull(listener, "listener");
    }

    /** Starts sampling on every event loop of {@code group}. */
    public void start(EventLoopGroup group) {
        long nanos = interval.toNanos();
        synchronized (samplers) {
            for (EventExecutor loop : group) {
                samplers.add(loop.scheduleAtFixedRate(() -> sampleAll(loop), nanos, nanos, TimeUnit.NANOSECONDS));
            }
            EventExecutor rateLoop = group.next();
            rateLoop.execute(this::rates); // the baseline
            samplers.add(rateLoop.scheduleAtFixedRate(this::rates, nanos, nanos, TimeUnit.NANOSECONDS));
        }
    }

    private void rates() {
        long now = System.nanoTime();
        double seconds = (now - lastRateNanos) / 1e9;
        boolean first = lastRateNanos == 0;
        lastRateNanos = now;
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<String, Map<Direction, Counter>> e : counters.entrySet()) {
            if (OTHER.equals(e.getKey())) {
                continue;
            }
            double up = e.getValue().get(Direction.UPSTREAM).count();
            double down = e.getValue().get(Direction.DOWNSTREAM).count();
            double[] last = lastCounts.put(e.getKey(), new double[] {up, down});
            if (!first && last != null && seconds > 0) {
                out.put(e.getKey(), 8 * Math.max(up - last[0], down - last[1]) / seconds);
            }
        }
        if (!first) {
            rateListener.accept(Map.copyOf(out));
        }
    }

    /** Stops sampling (connections still open are sampled once more when they close). */
    public void stop() {
        synchronized (samplers) {
            samplers.forEach(f -> f.cancel(false));
            samplers.clear();
        }
    }

    /**
     * Accounts {@code upstream} (an MPTCP connection to the aggregation point) from now until
     * it closes, and returns what it carried per WAN (complete once it is closed). Call on
     * its event loop.
     */
    public WanUsage track(Channel upstream) {
        EventLoop loop = upstream.eventLoop();
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("track() must run on the channel's event loop");
        }
        SampleOnClose existing = (SampleOnClose) upstream.pipeline().get(HANDLER);
        if (existing != null) {
            return existing.usage;
        }
        SampleOnClose handler = new SampleOnClose(new SubflowLedger());
        if (!upstream.isOpen()) {
            return handler.usage;
        }
        upstream.pipeline().addFirst(HANDLER, handler);
        Set<Channel> set = tracked.computeIfAbsent(loop, l -> new HashSet<>());
        set.add(upstream);
        upstream.closeFuture().addListener(f -> set.remove(upstream));
        return handler.usage;
    }

    /** The bytes counted so far for {@code wan} in direction {@code d} (0 for an unknown WAN). */
    public double bytes(String wan, Direction d) {
        Map<Direction, Counter> c = counters.get(wan);
        return c == null ? 0 : c.get(d).count();
    }

    /**
     * One sampling round of the connections of {@code loop}. A quiet connection (its
     * {@code MPTCP_INFO} shows nothing in flight and no change since its last sample, see
     * {@link SubflowLedger#quietSince}) is not sampled again: one small read instead of
     * {@code MPTCP_FULL_INFO}, its subflows counted as they were.
     */
    private void sampleAll(EventExecutor loop) {
        Set<Channel> set = tracked.get(loop);
        Map<String, Integer> subflows = new HashMap<>();
        for (Channel ch : set == null ? List.<Channel>of() : List.copyOf(set)) {
            SampleOnClose h = (SampleOnClose) ch.pipeline().get(HANDLER);
            if (h == null) {
                continue;
            }
            MptcpInfo connection = MptcpInfoReader.info(ch).orElse(null);
            if (connection == null) {
                continue; // closed, or fell back to TCP: no subflows to sample
            }
            if (!h.ledger.quietSince(connection)) {
                MptcpFullInfo info = sample(ch, h);
                if (info == null) {
                    continue;
                }
                h.ledger.sampledAt(connection);
                h.establishedOn = establishedOn(info);
                sampleListener.accept(info);
            }
            for (String wan : h.establishedOn) {
                subflows.merge(wan, 1, Integer::sum);
            }
        }
        subflowsByLoop.put(loop, subflows);
    }

    /** The WAN of each established subflow of {@code info}. */
    private String[] establishedOn(MptcpFullInfo info) {
        List<String> wans = new ArrayList<>(info.subflows().size());
        for (SubflowInfo sf : info.subflows()) {
            if (sf.tcp().state() != TCP_ESTABLISHED) {
                continue; // closing, e.g. a subflow closed over a dead path still trying to send its FIN
            }
            wans.add(sf.local() == null ? OTHER : wanByAddress.getOrDefault(sf.local().getAddress(), OTHER));
        }
        return wans.toArray(NO_WANS);
    }

    private MptcpFullInfo sample(Channel ch, SampleOnClose h) {
        MptcpFullInfo info = MptcpInfoReader.fullInfo(ch).orElse(null);
        if (info == null) {
            return null;
        }
        for (SubflowLedger.Delta d : h.ledger.advance(info.subflows())) {
            String wan = wanByAddress.getOrDefault(d.local().getAddress(), OTHER);
            Map<Direction, Counter> c = counters.get(wan);
            c.get(Direction.UPSTREAM).increment(d.up());
            c.get(Direction.DOWNSTREAM).increment(d.down());
            h.usage.add(wan, d.up(), d.down());
        }
        return info;
    }

    /** Takes the last sample when the gateway closes the connection, while its socket is open. */
    private final class SampleOnClose extends ChannelDuplexHandler {
        final SubflowLedger ledger;
        final WanUsage usage = new WanUsage();
        /** The WAN of each established subflow at the last periodic sample. */
        String[] establishedOn = NO_WANS;

        SampleOnClose(SubflowLedger ledger) {
            this.ledger = ledger;
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
            if (ctx.channel().isOpen()) {
                sample(ctx.channel(), this);
            }
            super.close(ctx, promise);
        }
    }
}
