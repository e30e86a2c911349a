package org.haap.loadtest.aggregation;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.deploy.demo.StreamResult;
import org.haap.deploy.demo.TrafficClient;
import org.haap.deploy.demo.TrafficCounters;
import org.haap.deploy.demo.TrafficServer;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.LinkLoss;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;
import org.haap.loadtest.Arguments;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.aprelay.Transfer;
import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.HybridBed;
import org.haap.loadtest.hybrid.HybridConfigs;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * {@code aggregation}: does the aggregate beat the best link when LTE loses packets? On a
 * private testbed with profile {@code default} (DSL 16 Mbit/s 20 ms, LTE 24 Mbit/s 40 ms
 * RTT) whose namespaces all default to {@value #HOST_CONGESTION} (a fresh Debian's default;
 * {@link Testbed#setCongestionControl}), for each random loss on LTE (both directions, nft
 * {@code numgen}; default 0, 1, 3 %), each route ({@link Route}: kernel-only MPTCP, HAAP with
 * its defaults, DSL alone, LTE alone) and each direction, one and four bulk transfers run
 * at once for {@code seconds} (default {@value #DEFAULT_TRANSFER_SECONDS}) with the demo's
 * traffic protocol (byte count and SHA-256 checked at both ends). Around each cell it reads
 * the CPE's WAN byte counters, the sending namespace's TCP segment counters, LTE's loss
 * counters, and, halfway, the congestion control {@code ss -ti} shows on the sender's sockets.
 */
public final class AggregationScenario implements Scenario {

    /** The scenario's name. */
    public static final String NAME = "aggregation";
    /** What every namespace of the testbed defaults to. */
    public static final String HOST_CONGESTION = "cubic";
    /** Seconds each transfer sends when {@code --seconds} is not given. */
    public static final int DEFAULT_TRANSFER_SECONDS = 10;
    static final List<Integer> DEFAULT_LOSS = List.of(0, 1, 3);
    static final List<Integer> DEFAULT_CONNECTIONS = List.of(1, 4);
    static final Profile PROFILE = Profile.DEFAULT;
    /** The traffic server's port in the server namespace. */
    static final int PORT = 5001;
    /** How long transfers may take beyond their sending time before they count as failed. */
    static final Duration DRAIN = Duration.ofSeconds(40);
    /** The gateway's configuration name (its log: {@code haapl-XXXX-cpe-gateway-aggregation.log}). */
    static final String GATEWAY = "gateway-aggregation";
    /** The directions in the order measured. */
    static final List<Transfer> DIRECTIONS = List.of(Transfer.DOWNLOAD, Transfer.UPLOAD);
    /** Routes in the order measured within one loss rate: the gateway last, started once. */
    private static final List<Route> ORDER = List.of(Route.DSL, Route.LTE, Route.KERNEL, Route.HAAP);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "bulk goodput under 0/1/3 % random LTE loss, namespaces' default cc cubic: kernel MPTCP, haap, "
                + "dsl, lte; wire bytes, retransmissions (table, PNG, JSON)";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    /** {@code --seconds}, or {@link #DEFAULT_TRANSFER_SECONDS} when it was left at the command line's default. */
    static int transferSeconds(int seconds) {
        return seconds == Arguments.DEFAULT_SECONDS ? DEFAULT_TRANSFER_SECONDS : seconds;
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        List<Integer> losses = ctx.options().pointsOr(DEFAULT_LOSS);
        for (int l : losses) {
            if (l < 0 || l > 99) {
                throw new IllegalArgumentException("loss: " + l + " (expected: 0..99)");
            }
        }
        List<Route> routes = ctx.options().modesOr(List.of()).stream().map(Route::parse).toList();
        if (routes.isEmpty()) {
            routes = Route.ALL;
        }
        List<Integer> counts = ctx.options().connections() == 0 ? DEFAULT_CONNECTIONS
                : List.of(ctx.options().connections());
        int seconds = transferSeconds(ctx.seconds());
        int total = losses.size() * routes.size() * DIRECTIONS.size() * counts.size();
        ctx.progress(String.format(Locale.ROOT, "%d cells (%d loss rates x %d routes x 2 directions x %d counts) "
                        + "of %d s: about %d min", total, losses.size(), routes.size(), counts.size(), seconds,
                Math.max(1, (total * (seconds + 3L) + losses.size() * 12L + 30) / 60)));

        HybridBed bed = HybridBed.up(ctx, PROFILE, 1, tb -> {
            ctx.progress("namespaces' default congestion control: " + HOST_CONGESTION
                    + " (added to the host's tcp_allowed_congestion_control if missing; restored at teardown)");
            tb.setCongestionControl(HOST_CONGESTION);
        });
        Testbed tb = bed.testbed();
        Map<String, String> hostCc = namespaceCongestion(tb);
        ctx.progress("namespaces' default congestion control: " + hostCc);
        tb.exec(Node.SERVER, "ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2").check();
        Set<String> known = Set.of(Files.readString(
                Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).trim().split("\\s+"));

        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        ctx.teardown().add("traffic event loops",
                () -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        TrafficCounters counters = new TrafficCounters();
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(AddressPlan.SERVER), PORT);
        TrafficServer traffic = TrafficServer.start(tb.namespace(Node.SERVER), List.of(server), group, counters);
        ctx.teardown().add("traffic server", traffic::close);
        TrafficClient lan = new TrafficClient(group, bed.clientNamespace(), ClientSocketOptions.tcp(), counters);
        ctx.teardown().add("LAN traffic client", lan::close);
        TrafficClient cpe = new TrafficClient(group, tb.namespace(Node.CPE), ClientSocketOptions.mptcp(), counters);
        ctx.teardown().add("CPE MPTCP traffic client", cpe::close);

        List<Cell> cells = new ArrayList<>();
        Map<Integer, LinkLoss> lossTotals = new LinkedHashMap<>();
        for (int loss : losses) {
            ctx.progress("LTE random loss " + loss + " % in both directions");
            tb.setLink(Wan.LTE, PROFILE.lte().withLoss(loss));
            for (Route route : ORDER) {
                if (!routes.contains(route)) {
                    continue;
                }
                prepare(ctx, bed, route);
                TrafficClient client = route == Route.KERNEL ? cpe : lan;
                String warm = warmUp(client, server);
                for (Transfer t : DIRECTIONS) {
                    for (int n : counts) {
                        Cell c = warm != null
                                ? failed(loss, t, n, route, "no connection over the route: " + warm)
                                : measure(tb, client, server, known, loss, t, n, route, seconds, cells.size());
                        cells.add(c);
                        lossTotals.merge(loss, c.lteLoss(),
                                (a, b) -> new LinkLoss(a.packets() + b.packets(), a.dropped() + b.dropped()));
                        ctx.progress(String.format(Locale.ROOT,
                                "%d/%d lte loss %d%% %s x%d %s: %s Mbit/s, retrans %s %%, dsl %.1f MB, lte %.1f MB, "
                                        + "lte drop %s %%, cc %s%s", cells.size(), total, loss, t.label(), n,
                                route.label(), org.haap.loadtest.Table.number(c.goodputMbit(), 1),
                                org.haap.loadtest.Table.number(c.segments().retransmittedPct(), 1),
                                c.dslBytes() / 1e6, c.lteBytes() / 1e6,
                                org.haap.loadtest.Table.number(c.lteLoss().percent(), 2), c.congestion(),
                                c.ok() ? "" : ", FAILED " + c.errors()));
                    }
                }
            }
            bed.stopGateway();
            LinkLoss got = lossTotals.get(loss);
            if (got != null) {
                ctx.progress(String.format(Locale.ROOT, "LTE loss asked %d %%: dropped %d of %d packets (%s %%)",
                        loss, got.dropped(), got.packets(), org.haap.loadtest.Table.number(got.percent(), 2)));
            }
        }
        bed.setDefaultRoute(PROFILE.defaultWan());
        tb.setLink(Wan.LTE, PROFILE.lte());
        cells.sort(order());
        Map<Integer, Double> measured = new LinkedHashMap<>();
        lossTotals.forEach((k, v) -> measured.put(k, v.percent()));
        return new AggregationResult(PROFILE.name(), rates(), bed.rttMs(), seconds, hostCc, cells, measured);
    }

    /** Loss, then download before upload, then connections, then {@link Route#ALL}'s order. */
    static Comparator<Cell> order() {
        return Comparator.comparingInt(Cell::lossPct)
                .thenComparingInt(c -> DIRECTIONS.indexOf(c.transfer()))
                .thenComparingInt(Cell::connections)
                .thenComparingInt(c -> Route.ALL.indexOf(c.route()));
    }

    /** Every namespace's default congestion control, by role. */
    static Map<String, String> namespaceCongestion(Testbed tb) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Node n : Node.values()) {
            m.put(n.suffix(), tb.exec(n, "cat", "/proc/sys/net/ipv4/tcp_congestion_control").check().stdout().strip());
        }
        return m;
    }

    /**
     * Makes {@code route} the way LAN (or CPE) traffic goes: the CPE's default route, the
     * gateway running or not, and for the kernel route the CPE's in-kernel MPTCP endpoint on
     * the LTE address (the first subflow leaves over the default route, DSL).
     */
    private static void prepare(ScenarioContext ctx, HybridBed bed, Route route) throws Exception {
        Testbed tb = bed.testbed();
        switch (route) {
            case DSL, LTE -> {
                bed.stopGateway();
                bed.setDefaultRoute(route == Route.DSL ? Wan.DSL : Wan.LTE);
            }
            case KERNEL -> {
                bed.stopGateway();
                bed.setDefaultRoute(Wan.DSL);
                tb.exec(Node.CPE, "ip", "mptcp", "endpoint", "flush").check();
                tb.exec(Node.CPE, "ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2").check();
                tb.exec(Node.CPE, "ip", "mptcp", "endpoint", "add", Wan.LTE.cpeAddress(), "dev",
                        Wan.LTE.interfaceName(), "subflow").check();
            }
            case HAAP -> {
                tb.exec(Node.CPE, "ip", "mptcp", "endpoint", "flush").check(); // the gateway installs its own
                bed.setDefaultRoute(Wan.DSL);
                if (bed.gatewayMode() == null) {
                    ctx.progress("starting the gateway (defaults: robe.mode = sim, path manager kernel fullmesh)");
                    bed.startGateway(GATEWAY, HybridConfigs.gateway(new GatewayMode("sim", false), Wan.DSL));
                }
            }
            default -> throw new IllegalStateException("route " + route);
        }
    }

    /** A few pings over the route; null when they went through, else the error. */
    private static String warmUp(TrafficClient client, InetSocketAddress server) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            StreamResult r;
            try {
                r = client.ping(server).get(15, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return e.toString();
            }
            if (!r.ok()) {
                return r.error();
            }
        }
        return null;
    }

    private static Cell failed(int loss, Transfer t, int n, Route route, String error) {
        return new Cell(loss, t, n, route, 0, 0, 0, 0, 0, new TcpProbe.Segments(0, 0), new LinkLoss(0, 0), Set.of(),
                List.of(error));
    }

    /** The namespace whose TCP sends the measured data over the WANs. */
    static Node sender(Route route, Transfer t) {
        if (t == Transfer.UPLOAD) {
            return route == Route.HAAP || route == Route.KERNEL ? Node.CPE : Node.CLIENT;
        }
        return route == Route.HAAP ? Node.AP : Node.SERVER;
    }

    private static Cell measure(Testbed tb, TrafficClient client, InetSocketAddress server, Set<String> known,
                                int loss, Transfer t, int n, Route route, int seconds, int index)
            throws InterruptedException {
        Node sender = sender(route, t);
        int port = route == Route.HAAP ? AddressPlan.AP_PORT : PORT;
        TcpProbe.Segments s0 = TcpProbe.segments(tb, sender);
        Map<Wan, WanCounters> w0 = wanBytes(tb);
        LinkLoss l0 = tb.linkLoss(Wan.LTE);
        long start = System.nanoTime();
        List<CompletableFuture<StreamResult>> fs = new ArrayList<>();
        Duration d = Duration.ofSeconds(seconds);
        for (int i = 0; i < n; i++) {
            long seed = 7919L * index + 104_729L * i + 1;
            fs.add(t == Transfer.DOWNLOAD ? client.download(server, d, 0, seed) : client.upload(server, d, 0, seed));
        }
        Set<String> cc = Set.of();
        Thread.sleep(seconds * 500L); // halfway through the sending time: the connections are established
        try {
            cc = TcpProbe.congestionControl(tb, sender, port, known);
        } catch (RuntimeException e) {
            // reported as none seen
        }
        List<String> errors = new ArrayList<>();
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
                    .get(seconds * 1000L + DRAIN.toMillis() - seconds * 500L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            errors.add("not all transfers ended " + DRAIN.toSeconds() + " s after sending: " + e);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long bytes = 0;
        int intact = 0;
        for (CompletableFuture<StreamResult> f : fs) {
            StreamResult r = f.getNow(null);
            if (r == null) {
                f.cancel(false);
                continue;
            }
            bytes += r.bytes();
            if (r.ok()) {
                intact++;
            } else if (errors.size() < 3) {
                errors.add(r.error());
            }
        }
        TcpProbe.Segments s1 = TcpProbe.segments(tb, sender);
        Map<Wan, WanCounters> w1 = wanBytes(tb);
        LinkLoss l1 = tb.linkLoss(Wan.LTE);
        return new Cell(loss, t, n, route, elapsed, bytes, intact,
                dataBytes(t, w0.get(Wan.DSL), w1.get(Wan.DSL)), dataBytes(t, w0.get(Wan.LTE), w1.get(Wan.LTE)),
                s1.minus(s0), l1.minus(l0), cc, errors);
    }

    private static long dataBytes(Transfer t, WanCounters before, WanCounters after) {
        WanCounters d = after.minus(before);
        return t == Transfer.DOWNLOAD ? d.rxBytes() : d.txBytes();
    }

    /**
     * What the sender put on each WAN, before the link drops anything: for uploads the CPE's
     * WAN interface (tx), for downloads the WAN router's interface towards the AP (rx),
     * as {@link WanCounters} (rx: downstream, tx: upstream).
     */
    private static Map<Wan, WanCounters> wanBytes(Testbed tb) {
        Map<Wan, WanCounters> m = new EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            long down = Long.parseLong(tb.exec(w.node(), "cat", "/sys/class/net/ap/statistics/rx_bytes").check()
                    .stdout().strip());
            m.put(w, new WanCounters(w, down, tb.wanBytes(w).txBytes()));
        }
        return m;
    }

    private static Map<String, Object> rates() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Wan w : Wan.values()) {
            m.put(w.interfaceName(), PROFILE.link(w).rateMbit());
        }
        return m;
    }
}
