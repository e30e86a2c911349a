package org.haap.gateway.link;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.haap.config.GatewayConfig;
import org.haap.config.LinkMonitorSettings;
import org.haap.config.WanConfig;
import org.haap.gateway.link.internal.ProbeSocket;
import org.haap.gateway.link.internal.SysfsCarrier;
import org.haap.gateway.link.internal.WanProber;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;

/**
 * Watches every WAN: one authenticated UDP probe per WAN every {@code probe.interval} (or
 * the WAN's own {@code probe-interval}) to the aggregation point's probe responder, sent on
 * that WAN (bound to its device and source address); the interface's carrier read every
 * {@code carrier-poll-interval} from sysfs (a stand-in for rtnetlink: {@link #linkEvent} and
 * {@link #addressEvent} take such events from any thread, and the first {@code linkEvent}
 * stops the polling). A {@link PathStateMachine} per WAN turns that into up, degraded or
 * down; each change is logged at INFO with the WAN's name and given to the listener. The
 * machines share an {@link AnswerBoard}, so a WAN's streak of lost probes counts at once only
 * while another WAN answers.
 *
 * <p>A starved thread cannot fake a loss: probes are stamped when sent, and a probe's
 * timeout timer only notes the time; the verdict on the probes a timeout older than that
 * runs after the loop's next I/O pass, so replies that arrived meanwhile are read first.
 *
 * <p>Runs on one thread of its own ({@code haap-link}, a Netty epoll event loop) with one
 * fixed-rate task per WAN at that WAN's interval, each probe timed out on its own: the probe
 * sockets are Netty epoll datagram channels because Netty exposes {@code SO_BINDTODEVICE}
 * (java.nio does not), and a loop apart from the relay's keeps probe timing from waiting on
 * busy connections.
 */
public final class LinkMonitor implements AutoCloseable {

    private static final Logger LOG = System.getLogger(LinkMonitor.class.getName());

    /** The verdict on a checkpoint's probes waits this long: enough to come after an I/O pass. */
    private static final long VERDICT_DELAY_NANOS = 1_000;

    private final LinkMonitorSettings settings;
    private final Environment env;
    private final EventLoop loop;
    private final LongSupplier clock;
    private final Map<String, Wan> wans = new LinkedHashMap<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final Map<String, LinkState> states = new ConcurrentHashMap<>();
    private boolean everAnswered;
    private boolean warnedNoAnswers;
    /** Set by the first {@link #linkEvent}: from then on link events come from outside, sysfs is not polled. */
    private volatile boolean externalLinkEvents;
    private volatile boolean closed;

    /** One WAN's parts; used on the loop only. */
    private static final class Wan {
        PathStateMachine machine;
        ProbeSocket prober;
        long intervalNanos;
        boolean carrierUp = true;
        boolean addressUp = true;
    }

    /** Opens one WAN's probe socket on the monitor's loop, replies to {@code onReply} (tests use fakes). */
    interface ProbeSockets {
        ProbeSocket open(WanPath path, EventLoop loop, LongConsumer onReply);
    }

    /**
     * What a monitor runs on: its event loop (the monitor's clock is the loop's ticker), the
     * group to shut down on close (null: not the monitor's), its probe sockets and carrier reader.
     */
    record Environment(EventLoopGroup group, EventLoop loop, ProbeSockets sockets, SysfsCarrier sysfs) {
    }

    private LinkMonitor(LinkMonitorSettings settings, Environment env) {
        this.settings = settings;
        this.env = env;
        this.loop = env.loop();
        this.clock = loop.ticker()::nanoTime;
    }

    /**
     * Starts monitoring {@code paths}, each probed every {@code settings.interval()}.
     *
     * @see #start(LinkMonitorSettings, InetSocketAddress, List, Map, byte[], LinkListener)
     */
    public static LinkMonitor start(LinkMonitorSettings settings, InetSocketAddress target, List<WanPath> paths,
            byte[] cookie, LinkListener listener) {
        return start(settings, target, paths, Map.of(), cookie, listener);
    }

    /**
     * Starts monitoring {@code paths}.
     *
     * @param settings  the thresholds and the default interval
     * @param target    where probes go (the AP's probe responder)
     * @param paths     the WANs
     * @param intervals the probe interval of each WAN by name; a WAN not in it is probed every
     *                  {@code settings.interval()}
     * @param cookie    the gateway's RFC 8803 cookie bytes, or {@code null}: the probe key
     * @param listener  told about probes and state changes (on the monitor's thread)
     */
    public static LinkMonitor start(LinkMonitorSettings settings, InetSocketAddress target, List<WanPath> paths,
            Map<String, Duration> intervals, byte[] cookie, LinkListener listener) {
        Objects.requireNonNull(target, "target");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haap-link", true),
                EpollIoHandler.newFactory());
        ProbeCodec codec = new ProbeCodec(ProbeCodec.key(cookie));
        LinkMonitor m = start(settings, paths, intervals, listener, new Environment(group, group.next(),
                (path, loop, onReply) -> new WanProber(path, target, loop, codec, onReply), new SysfsCarrier()));
        LOG.log(Level.INFO, "link monitor: probing " + target + " on " + m.schedule() + "; down after "
                + settings.downAfter() + " lost");
        return m;
    }

    /** Starts monitoring {@code paths} in {@code env}: one fixed-rate probe task per WAN on its loop. */
    static LinkMonitor start(LinkMonitorSettings settings, List<WanPath> paths, Map<String, Duration> intervals,
            LinkListener listener, Environment env) {
        LinkMonitor m = new LinkMonitor(settings, env);
        // Bookkeeping last: once state() shows a change, every listener has seen it.
        LinkListener all = LinkListener.all(List.of(listener, m.new Bookkeeping()));
        // One WAN has no other to compare with: its streaks are judged alone.
        AnswerBoard board = paths.size() > 1 ? new AnswerBoard() : null;
        for (WanPath p : paths) {
            Wan w = new Wan();
            Duration interval = intervals.getOrDefault(p.name(), settings.interval());
            w.machine = new PathStateMachine(p, settings, all, board);
            w.prober = env.sockets().open(p, m.loop, seq -> m.reply(w, seq));
            w.intervalNanos = interval.toNanos();
            m.wans.put(p.name(), w);
            m.states.put(p.name(), LinkState.UP);
        }
        m.onLoop(m::begin);
        return m;
    }

    /** Polls the carrier now and then periodically, and starts every WAN's probe task. */
    private void begin() {
        long carrierPoll = settings.carrierPollInterval().toNanos();
        pollCarrier();
        tasks.add(loop.scheduleAtFixedRate(this::pollCarrier, carrierPoll, carrierPoll, TimeUnit.NANOSECONDS));
        for (Wan w : wans.values()) {
            tasks.add(loop.scheduleAtFixedRate(() -> probe(w), 0, w.intervalNanos, TimeUnit.NANOSECONDS));
        }
    }

    /**
     * The gateway's monitor from its configuration, feeding {@code wanState} (a down WAN is
     * not raced), meters in {@code registry} and {@code also} (e.g. the path manager);
     * {@code null} when {@code link-monitor.enabled} is false.
     */
    public static LinkMonitor forGateway(GatewayConfig config, List<WanPath> paths, WanState wanState,
            MeterRegistry registry, LinkListener also) {
        LinkMonitorSettings s = config.linkMonitor();
        if (!s.enabled()) {
            return null;
        }
        byte[] cookie = config.cookie().map(c -> c.getBytes(StandardCharsets.UTF_8)).orElse(null);
        return start(s, s.target().orElse(config.aggregationPoint()), paths, intervals(config), cookie,
                LinkListener.all(List.of(new WanStateFeed(wanState), new LinkMetrics(registry, paths), also)));
    }

    /** Each WAN's probe interval by name: its own {@code probe-interval}, else {@code probe.interval}. */
    static Map<String, Duration> intervals(GatewayConfig config) {
        return config.wans().stream().collect(Collectors.toMap(WanConfig::name, config.linkMonitor()::intervalFor));
    }

    /** The current state of WAN {@code wan} (by name); thread-safe. */
    public LinkState state(String wan) {
        LinkState s = states.get(wan);
        if (s == null) {
            throw new IllegalArgumentException("wan: " + wan + " (expected: one of " + states.keySet() + ')');
        }
        return s;
    }

    /** Every WAN's current state, by name; thread-safe. */
    public Map<String, LinkState> states() {
        Map<String, LinkState> out = new LinkedHashMap<>();
        for (String name : wans.keySet()) {
            out.put(name, states.get(name));
        }
        return out;
    }

    /**
     * A link event for interface {@code interfaceName} (carrier or operational state up or
     * down), e.g. from an rtnetlink monitor; thread-safe. An interface no WAN uses is ignored.
     * The first call turns the sysfs polling off: the caller is the source of link events
     * from then on.
     */
    public void linkEvent(String interfaceName, boolean up) {
        externalLinkEvents = true;
        onLoop(() -> {
            for (Wan w : wans.values()) {
                if (w.machine.path().interfaceName().equals(interfaceName) && w.carrierUp != up) {
                    w.carrierUp = up;
                    carrier(w);
                }
            }
        });
    }

    /**
     * An address event: {@code address} was added to ({@code present}) or removed from
     * interface {@code interfaceName}; a WAN whose source address is removed is down until it
     * is back. Thread-safe.
     */
    public void addressEvent(String interfaceName, InetAddress address, boolean present) {
        onLoop(() -> {
            for (Wan w : wans.values()) {
                WanPath p = w.machine.path();
                if (p.interfaceName().equals(interfaceName) && address.equals(p.source()) && w.addressUp != present) {
                    w.addressUp = present;
                    carrier(w);
                }
            }
        });
    }

    /** Stops probing and closes the probe sockets. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onLoop(() -> {
            tasks.forEach(t -> t.cancel(false));
            wans.values().forEach(w -> w.prober.close());
        });
        if (env.group() != null) {
            env.group().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else if (!closed || !loop.isShuttingDown()) {
            loop.execute(task);
        }
    }

    private void carrier(Wan w) {
        w.machine.carrier(w.carrierUp && w.addressUp, clock.getAsLong());
    }

    private void pollCarrier() {
        if (externalLinkEvents) {
            return;
        }
        for (Wan w : wans.values()) {
            boolean up = env.sysfs().isUp(w.machine.path().interfaceName());
            if (up != w.carrierUp) {
                w.carrierUp = up;
                carrier(w);
            }
        }
    }

    /**
     * One probe on {@code w}, due again after its interval, stamped with the time the send
     * call returned (not the time it was due); its timeout is checked by {@link #checkpoint}.
     */
    private void probe(Wan w) {
        if (closed) {
            return;
        }
        long now = clock.getAsLong();
        long seq = w.machine.probeSent(now);
        w.prober.send(seq, now);
        w.machine.leftAt(seq, clock.getAsLong());
        loop.schedule(() -> checkpoint(w), settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A timeout timer fired: notes the time and judges the probes of {@code w} sent a timeout
     * or more before it only after the loop's next I/O pass (a task scheduled from a task
     * runs after it). A loop that was starved, so that this timer ran late, may not have
     * read replies that reached the socket meanwhile; they are read first, and a probe is
     * lost only if its reply had not arrived a timeout after it was sent.
     */
    private void checkpoint(Wan w) {
        long at = clock.getAsLong();
        loop.schedule(() -> w.machine.expire(at), VERDICT_DELAY_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Each WAN's interval and detection bound, for the log. */
    private String schedule() {
        return wans.entrySet().stream().map(e -> {
            Duration interval = Duration.ofNanos(e.getValue().intervalNanos);
            return e.getKey() + " every " + interval.toMillis() + " ms (detection within "
                    + settings.detectionBound(interval).toMillis() + " ms)";
        }).collect(Collectors.joining(", "));
    }

    private void reply(Wan w, long sequence) {
        if (w.machine.answered(sequence, clock.getAsLong())) {
            everAnswered = true;
        }
    }

    /** Publishes states, logs changes, warns once when no WAN has ever been answered. */
    private final class Bookkeeping implements LinkListener {
        @Override
        public void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
            states.put(path.name(), to);
            LOG.log(Level.INFO, "wan " + path.name() + " (" + path.interfaceName() + "): " + from.label() + " -> "
                    + to.label() + " (" + reason + ")");
            if (!everAnswered && !warnedNoAnswers && states.values().stream().noneMatch(LinkState::usable)) {
                warnedNoAnswers = true;
                LOG.log(Level.WARNING, "link monitor: no probe answered on any WAN; is the aggregation point's probe"
                        + " responder (haap.aggregation-point.probe) on and does it accept this gateway's cookie?");
            }
        }
    }

    /** The WAN names, in order (for tests). */
    List<String> names() {
        return new ArrayList<>(wans.keySet());
    }

    /** The device {@code wan}'s probe socket is bound to, or null (for tests; blocks briefly). */
    String probeDevice(String wan) {
        return loop.submit(() -> wans.get(wan).prober.boundDevice()).syncUninterruptibly().getNow();
    }

    /** The local address of {@code wan}'s probe socket, or null (for tests; blocks briefly). */
    InetSocketAddress probeAddress(String wan) {
        return loop.submit(() -> wans.get(wan).prober.localAddress()).syncUninterruptibly().getNow();
    }
}
