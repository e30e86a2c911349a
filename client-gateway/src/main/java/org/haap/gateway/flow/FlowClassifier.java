package org.haap.gateway.flow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.haap.config.PathManagerSettings.Bulk;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.relay.Direction;
import org.haap.core.relay.RelayListener;
import org.haap.gateway.accounting.WanAccounting;
import org.haap.gateway.accounting.WanUsage;

/**
 * Tells short connections from bulk ones ({@link Bulk}) as their relay moves bytes, hands the
 * token of each MPTCP connection that becomes bulk to the path manager ({@link #onBulk}),
 * and keeps the meters of flow classes:
 * <ul>
 *   <li>{@code haap_gateway_flows_total{class}}: sessions ended, by class ({@code short},
 *       {@code bulk});</li>
 *   <li>{@code haap_gateway_flow_bytes_total{class,wan,direction}}: their bytes per WAN (from
 *       {@link WanAccounting}), counted when they end;</li>
 *   <li>{@code haap_gateway_flow_promotions_total{reason}}: connections that became bulk, by
 *       the threshold they crossed ({@code bytes}, {@code busy});</li>
 *   <li>{@code haap_gateway_flow_second_path_seconds}: for a bulk connection, from the start
 *       of its relay to the moment a second subflow has carried data (its {@code MPTCP_FULL_INFO}
 *       read every {@value #POLL_MILLIS} ms from the promotion on, for up to
 *       {@value #POLL_LIMIT_MILLIS} ms; one that did not by then is counted in
 *       {@code haap_gateway_flow_second_path_missed_total}).</li>
 * </ul>
 * Thread-safe; each {@link Flow} is confined to its connections' event loop.
 */
public final class FlowClassifier {

    /** How often a promoted connection is read until a second subflow carried data. */
    public static final int POLL_MILLIS = 5;
    /** How long it is read at most. */
    public static final int POLL_LIMIT_MILLIS = 2000;

    /** A flow's class. */
    public enum FlowClass { SHORT, BULK }

    /** Which threshold made a flow bulk. */
    public enum Reason { BYTES, BUSY }

    /** What the classifier reads of a connection to the aggregation point. */
    interface Probe {
        /** Its MPTCP token, or empty when it is not MPTCP (fell back) or closed. */
        OptionalLong token(Channel upstream);

        /** How many of its subflows have carried data ({@link #carryingData}); 0 when unknown. */
        int carryingData(Channel upstream);
    }

    /** The kernel's answers ({@code MPTCP_INFO}, {@code MPTCP_FULL_INFO}). */
    static final Probe KERNEL = new Probe() {
        @Override
        public OptionalLong token(Channel upstream) {
            return MptcpInfoReader.info(upstream).map(i -> OptionalLong.of(i.token())).orElse(OptionalLong.empty());
        }

        @Override
        public int carryingData(Channel upstream) {
            return MptcpInfoReader.fullInfo(upstream).map(i -> FlowClassifier.carryingData(i.subflows())).orElse(0);
        }
    };

    private final LongSupplier clock;
    private final Probe probe;
    private final Map<FlowClass, Counter> flows = new EnumMap<>(FlowClass.class);
    private final Map<Reason, Counter> promotions = new EnumMap<>(Reason.class);
    /** By class, WAN name, then direction. */
    private final Map<FlowClass, Map<String, Map<Direction, Counter>>> bytes = new EnumMap<>(FlowClass.class);
    private final Timer secondPath;
    private final Counter secondPathMissed;
    private volatile Bulk thresholds = Bulk.DEFAULTS;
    private volatile LongConsumer bulkListener = token -> { };

    /** Meters in {@code registry} for the WANs named {@code wans} (plus {@link WanAccounting#OTHER}). */
    public FlowClassifier(MeterRegistry registry, List<String> wans) {
        this(registry, wans, System::nanoTime, KERNEL);
    }

    FlowClassifier(MeterRegistry registry, List<String> wans, LongSupplier clock, Probe probe) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.probe = Objects.requireNonNull(probe, "probe");
        for (FlowClass c : FlowClass.values()) {
            flows.put(c, Counter.builder("haap.gateway.flows")
                    .description("Sessions through the aggregation point that ended, by flow class (path-manager.bulk)")
                    .tag("class", lower(c)).register(registry));
            Map<String, Map<Direction, Counter>> byWan = new HashMap<>();
            for (String wan : withOther(wans)) {
                Map<Direction, Counter> byDirection = new EnumMap<>(Direction.class);
                for (Direction d : Direction.values()) {
                    byDirection.put(d, Counter.builder("haap.gateway.flow.bytes")
                            .description("Payload bytes each WAN carried for the sessions that ended, by flow class")
                            .baseUnit("bytes").tag("class", lower(c)).tag("wan", wan).tag("direction", lower(d))
                            .register(registry));
                }
                byWan.put(wan, byDirection);
            }
            bytes.put(c, byWan);
        }
        for (Reason r : Reason.values()) {
            promotions.put(r, Counter.builder("haap.gateway.flow.promotions")
                    .description("Connections that became bulk, by the threshold they crossed")
                    .tag("reason", lower(r)).register(registry));
        }
        secondPath = Timer.builder("haap.gateway.flow.second.path")
                .description("Bulk connections: time from the start of the relay to a second subflow carrying data")
                .publishPercentileHistogram().register(registry);
        secondPathMissed = Counter.builder("haap.gateway.flow.second.path.missed")
                .description("Bulk connections with no second subflow carrying data "
                        + POLL_LIMIT_MILLIS + " ms after they became bulk")
                .register(registry);
    }

    /** The thresholds of later flows (path-manager.bulk). */
    public void thresholds(Bulk bulk) {
        this.thresholds = Objects.requireNonNull(bulk, "bulk");
    }

    /** Hands the token of every MPTCP connection that becomes bulk to {@code listener} (on its event loop). */
    public void onBulk(LongConsumer listener) {
        this.bulkListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Watches the relay of {@code upstream} (the MPTCP connection to the aggregation point),
     * passing every event on to {@code delegate}; {@code usage} is what
     * {@link WanAccounting#track} returned for it. Call on its event loop when the relay starts.
     */
    public Flow watch(Channel upstream, WanUsage usage, RelayListener delegate) {
        return new Flow(upstream, usage, delegate, thresholds, clock.getAsLong());
    }

    /** One session's relay, classified as it goes. */
    public final class Flow implements RelayListener {

        private final Channel upstream;
        private final WanUsage usage;
        private final RelayListener delegate;
        private final long bulkBytes;
        private final long busyNanos;
        private final long pauseNanos;
        private final long startNanos;
        private long total;
        private long busySince;
        private long last;
        private boolean bulk;

        Flow(Channel upstream, WanUsage usage, RelayListener delegate, Bulk thresholds, long now) {
            this.upstream = upstream;
            this.usage = usage;
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            this.bulkBytes = thresholds.bytes();
            this.busyNanos = thresholds.busy().toNanos();
            this.pauseNanos = Bulk.PAUSE.toNanos();
            this.startNanos = now;
            this.busySince = now;
            this.last = now;
        }

        @Override
        public void onBytes(Direction dir, long n) {
            delegate.onBytes(dir, n);
            if (bulk) {
                return;
            }
            total += n;
            long now = clock.getAsLong();
            if (now - last >= pauseNanos) {
                busySince = now;
            }
            last = now;
            if (total >= bulkBytes) {
                promote(Reason.BYTES);
            } else if (now - busySince >= busyNanos) {
                promote(Reason.BUSY);
            }
        }

        @Override
        public void onPausedReading(Direction dir) {
            delegate.onPausedReading(dir);
        }

        @Override
        public void onResumedReading(Direction dir) {
            delegate.onResumedReading(dir);
        }

        /** Whether the flow became bulk. */
        public boolean bulk() {
            return bulk;
        }

        /** The session ended (its connections closed, {@code usage} complete): counts its bytes by class. */
        public void ended() {
            FlowClass c = bulk ? FlowClass.BULK : FlowClass.SHORT;
            flows.get(c).increment();
            Map<String, Map<Direction, Counter>> byWan = bytes.get(c);
            usage.forEach((wan, up, down) -> {
                Map<Direction, Counter> byDirection = byWan.getOrDefault(wan, byWan.get(WanAccounting.OTHER));
                byDirection.get(Direction.UPSTREAM).increment(up);
                byDirection.get(Direction.DOWNSTREAM).increment(down);
            });
        }

        private void promote(Reason reason) {
            bulk = true;
            promotions.get(reason).increment();
            OptionalLong token = probe.token(upstream);
            if (token.isEmpty()) {
                return; // fell back to TCP or closed: one path whatever happens
            }
            bulkListener.accept(token.getAsLong());
            new SecondPathWatch().start();
        }

        /** Reads the connection until a second subflow has carried data, then times it. */
        private final class SecondPathWatch implements Runnable {
            private final long deadline = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(POLL_LIMIT_MILLIS);
            private ScheduledFuture<?> task;

            void start() {
                if (!carried()) {
                    task = upstream.eventLoop().scheduleAtFixedRate(this, POLL_MILLIS, POLL_MILLIS,
                            TimeUnit.MILLISECONDS);
                    upstream.closeFuture().addListener(f -> task.cancel(false));
                }
            }

            @Override
            public void run() {
                if (carried()) {
                    task.cancel(false);
                } else if (clock.getAsLong() - deadline >= 0) {
                    secondPathMissed.increment();
                    task.cancel(false);
                }
            }

            private boolean carried() {
                if (probe.carryingData(upstream) < 2) {
                    return false;
                }
                secondPath.record(clock.getAsLong() - startNanos, TimeUnit.NANOSECONDS);
                return true;
            }
        }
    }

    /**
     * How many of {@code subflows} have carried data: more than the one byte a handshake's
     * SYN counts in {@code tcpi_bytes_acked}, or any byte received.
     */
    static int carryingData(List<SubflowInfo> subflows) {
        int n = 0;
        for (SubflowInfo s : subflows) {
            if (s.tcp().bytesAcked() > 1 || s.tcp().bytesReceived() > 0) {
                n++;
            }
        }
        return n;
    }

    private static List<String> withOther(List<String> wans) {
        List<String> out = new java.util.ArrayList<>(wans);
        out.add(WanAccounting.OTHER);
        return out;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
