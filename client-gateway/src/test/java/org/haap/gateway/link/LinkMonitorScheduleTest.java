package org.haap.gateway.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;
import org.haap.config.HaapConfigLoader;
import org.haap.config.LinkMonitorSettings;
import org.haap.gateway.link.internal.ProbeSocket;
import org.haap.gateway.link.internal.SysfsCarrier;
import org.haap.robe.WanPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's scheduling on a fake clock (an {@link EmbeddedChannel}'s event loop driven by
 * a {@link MockTicker}) with fake probe sockets: each WAN is probed at its own interval (one
 * fixed-rate task per WAN on the one loop), a WAN without one at {@code probe.interval}, and a
 * WAN that never answers is down after the start grace plus its own
 * {@code (down-after - 1) x interval + timeout}.
 */
class LinkMonitorScheduleTest {

    private static final long MS = 1_000_000L;
    private static final LinkMonitorSettings DEFAULTS = LinkMonitorSettings.defaults();
    private static final WanPath DSL = wan("dsl", "dsl0", "198.51.100.2");
    private static final WanPath LTE = wan("lte", "wwan0", "203.0.113.7");
    /** No interval of its own: probed every {@code probe.interval} (200 ms). */
    private static final WanPath CABLE = wan("cable", "eth1", "192.0.2.7");
    /** The three WANs' intervals as the gateway's configuration gives them. */
    private static final Map<String, Duration> INTERVALS = LinkMonitor.intervals(HaapConfigLoader.gateway(
            ConfigFactory.parseString("haap.gateway { aggregation-point = \"192.0.2.10:5124\", wan = ["
                    + " { name = dsl, interface = dsl0, source = \"198.51.100.2\", probe-interval = 50ms },"
                    + " { name = lte, interface = wwan0, source = \"203.0.113.7\", probe-interval = 500ms },"
                    + " { name = cable, interface = eth1, source = \"192.0.2.7\" } ] }")));

    private final MockTicker ticker = Ticker.newMockTicker();
    private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
    private final long origin = ticker.nanoTime();
    /** Send times (ms from the start) of each WAN's probes. */
    private final Map<String, List<Long>> sentAt = new LinkedHashMap<>();
    private final List<String> changes = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();
    /** The WANs whose probes are answered. */
    private final Set<String> answering = new HashSet<>();
    /** Replies wait in the socket until {@link #ioPass}, as on a real loop, instead of coming at once. */
    private boolean buffered;
    /** Replies not read yet: arrival time (ms from the start), then the reply. */
    private final Deque<Map.Entry<Long, Runnable>> inbox = new ArrayDeque<>();
    private int lost;
    /** How long the next send stalls (the clock moves on inside it), in ms. */
    private long stallInNextSend;
    private final List<Long> rttMs = new ArrayList<>();
    private LinkMonitor monitor;
    @TempDir
    Path sysfs;

    @BeforeEach
    void interfacesUp() throws IOException {
        for (WanPath p : List.of(DSL, LTE, CABLE)) {
            Files.writeString(Files.createDirectories(sysfs.resolve(p.interfaceName())).resolve("operstate"), "up\n");
        }
    }

    @AfterEach
    void tearDown() {
        if (monitor != null) {
            monitor.close();
        }
        channel.finishAndReleaseAll();
    }

    private static WanPath wan(String name, String device, String source) {
        try {
            return new WanPath(name, device, InetAddress.getByName(source), null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private long nowMs() {
        return (ticker.nanoTime() - origin) / MS;
    }

    private void start() {
        LinkListener recorder = new LinkListener() {
            @Override
            public void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
                changes.add(path.name() + ' ' + to.label() + " at " + nowMs());
            }

            @Override
            public void probeLost(WanPath path) {
                lost++;
            }

            @Override
            public void probeAnswered(WanPath path, long rttNanos) {
                rttMs.add(rttNanos / MS);
            }
        };
        monitor = LinkMonitor.start(DEFAULTS, List.of(DSL, LTE, CABLE), INTERVALS, recorder,
                new LinkMonitor.Environment(null, channel.eventLoop(), this::open, new SysfsCarrier(sysfs)));
    }

    /**
     * A fake socket: records each send; a WAN in {@link #answering} is answered at once, or
     * with {@link #buffered} 1 ms later, read by the next {@link #ioPass}.
     */
    private ProbeSocket open(WanPath path, EventLoop loop, LongConsumer onReply) {
        List<Long> times = sentAt.computeIfAbsent(path.name(), k -> new ArrayList<>());
        return new ProbeSocket() {
            @Override
            public void send(long sequence, long timestampNanos) {
                assertEquals(ticker.nanoTime(), timestampNanos, "stamped with the loop's clock");
                times.add(nowMs());
                if (stallInNextSend > 0) {
                    ticker.advance(stallInNextSend, TimeUnit.MILLISECONDS);
                    stallInNextSend = 0;
                }
                if (!answering.contains(path.name())) {
                    return;
                }
                if (buffered) {
                    inbox.add(Map.entry(nowMs() + 1, () -> onReply.accept(sequence)));
                } else {
                    onReply.accept(sequence);
                }
            }

            @Override
            public InetSocketAddress localAddress() {
                return null;
            }

            @Override
            public String boundDevice() {
                return null;
            }

            @Override
            public void close() {
                closed.add(path.name());
            }
        };
    }

    /** Moves the fake clock 1 ms at a time to {@code ms}; each step reads the sockets, then runs what falls due. */
    private void runUntil(long ms) {
        channel.runPendingTasks();
        while (nowMs() < ms) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            ioPass();
            channel.runPendingTasks();
        }
    }

    /** The loop's I/O pass: the replies that have arrived by now are read. */
    private void ioPass() {
        while (!inbox.isEmpty() && inbox.peek().getKey() <= nowMs()) {
            inbox.poll().getValue().run();
        }
    }

    /**
     * A starved loop: the clock jumps {@code ms} with nothing run, and then, in the worst
     * order (preempted after an I/O pass, before its timers), the timers that fell due run
     * before the sockets are read.
     */
    private void starve(long ms) {
        ticker.advance(ms, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        ioPass();
    }

    private static List<Long> every(long intervalMs, long untilMs) {
        return LongStream.rangeClosed(0, untilMs / intervalMs).map(i -> i * intervalMs).boxed().toList();
    }

    @Test
    void theConfigurationGivesEachWanItsIntervalOrTheDefault() {
        assertEquals(Map.of("dsl", Duration.ofMillis(50), "lte", Duration.ofMillis(500),
                "cable", DEFAULTS.interval()), INTERVALS);
    }

    @Test
    void eachWanIsProbedAtItsOwnInterval() {
        answering.addAll(List.of("dsl", "lte", "cable"));
        start();
        runUntil(2000);
        assertEquals(every(50, 2000), sentAt.get("dsl"), "dsl every 50 ms");
        assertEquals(List.of(0L, 500L, 1000L, 1500L, 2000L), sentAt.get("lte"), "lte every 500 ms");
        assertEquals(every(200, 2000), sentAt.get("cable"), "no interval of its own: probe.interval");
        assertEquals(41, sentAt.get("dsl").size());
        assertEquals(List.of(), changes, "every probe answered: all stay up");
        assertEquals(Map.of("dsl", LinkState.UP, "lte", LinkState.UP, "cable", LinkState.UP), monitor.states());

        monitor.close();
        runUntil(3000);
        assertEquals(41, sentAt.get("dsl").size(), "no probe after close");
        assertEquals(5, sentAt.get("lte").size());
        assertEquals(List.of("dsl", "lte", "cable"), closed);
    }

    @Test
    void aSilentWanIsDownAfterTheGraceAndItsOwnDetectionTimeWhileTheOthersAnswer() {
        answering.addAll(List.of("lte", "cable"));
        start();
        runUntil(4000);
        // Probes sent in the first 2 s are not judged (cold start); the probes sent at 2000,
        // 2050 and 2100 are the 3 lost in a row (down-after), the last one lost when its
        // 300 ms timeout passes (judged after the I/O pass that follows, 1 ms later here).
        assertEquals(List.of("dsl down at 2401"), changes);
        assertEquals(List.of(81, 9, 21), List.of(sentAt.get("dsl").size(), sentAt.get("lte").size(),
                sentAt.get("cable").size()), "still probed while down, each at its own interval");
    }

    @Test
    void whenNoWanAnswersEachIsDownOnceItsFirstLostProbeIsTheAllSilentHoldOld() {
        start();
        runUntil(13000);
        // No answer anywhere (the AP, or this host, may be what fails): degraded once a
        // window is full of losses, down at the first verdict on a WAN's probes at least
        // all-silent-hold (10 s) after its first lost probe (sent at 2000).
        assertEquals(Duration.ofSeconds(10), DEFAULTS.allSilentHold());
        assertEquals(List.of("dsl degraded at 2751", "cable degraded at 4101", "lte degraded at 6801",
                "dsl down at 12001", "cable down at 12101", "lte down at 12301"), changes);
    }

    /** Starts with replies buffered until an I/O pass, {@code wans} answering, and runs to 2500 ms (past the grace). */
    private void startBufferedUntil2500(String... wans) {
        answering.addAll(List.of(wans));
        buffered = true;
        start();
        runUntil(2500);
    }

    @Test
    void aStarvedLoopWhoseTimersRunBeforeItReadsLosesNoProbe() {
        startBufferedUntil2500("dsl", "lte", "cable");
        int sentBefore = sentAt.get("cable").size();
        for (int i = 0; i < 6; i++) {
            starve(400); // every reply in the socket while the timeouts of its probe fire late
        }
        runUntil(5000);
        assertEquals(List.of(), changes, "no WAN down or degraded");
        assertEquals(0, lost, "no probe lost: each reply had arrived 1 ms after its probe");
        assertTrue(sentAt.get("cable").size() - sentBefore >= 12, "catch-up probes were sent after each stall");
        assertEquals(Map.of("dsl", LinkState.UP, "lte", LinkState.UP, "cable", LinkState.UP), monitor.states());
    }

    @Test
    void aStallWhileSendingAddsNothingToTheRtt() {
        startBufferedUntil2500("dsl", "lte", "cable");
        rttMs.clear();
        stallInNextSend = 400; // the next probe leaves 400 ms after its task began; answered 1 ms later
        runUntil(3500);
        assertEquals(List.of(), changes);
        assertEquals(0, lost);
        assertTrue(rttMs.stream().allMatch(r -> r <= 2), () -> "RTTs in ms: " + rttMs);
    }

    @Test
    void aStarvedLoopStillFindsASilentWan() {
        startBufferedUntil2500("lte", "cable");
        for (int i = 0; i < 6; i++) {
            starve(400);
        }
        runUntil(3000);
        assertEquals(Map.of("dsl", LinkState.DOWN, "lte", LinkState.UP, "cable", LinkState.UP), monitor.states());
    }
}
