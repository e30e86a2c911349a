package org.haap.deploy.demo;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * One demo run: testbed up, AP and gateway started, connect-time probes and a parallel
 * bulk transfer in both directions from the client namespace to a {@link TrafficServer} in
 * the server namespace (intercepted by the gateway's TPROXY, carried over both WANs by
 * MPTCP, converted back to TCP by the AP), a per-second table of the WAN interfaces'
 * rates, a {@link DemoReport}, and tear-down (in {@code finally} and in a shutdown hook,
 * unless {@code --keep}).
 */
public final class Demo {

    /** Port of the demo's traffic server in the server namespace. */
    public static final int TRAFFIC_PORT = 5001;
    /** Parallel connections per direction. */
    public static final int STREAMS = 4;
    /** Connect-time probes. */
    public static final int PINGS = 21;

    private final DemoOptions options;
    private final Testbed testbed;
    private final PrintStream out;
    private final PrintStream err;
    private final AtomicBoolean tornDown = new AtomicBoolean();
    private ProxyPair proxies;

    /**
     * @param out the table and the summary (and the JSON line)
     * @param err progress lines
     */
    public Demo(DemoOptions options, Testbed testbed, PrintStream out, PrintStream err) {
        this.options = options;
        this.testbed = testbed;
        this.out = out;
        this.err = err;
    }

    /** Runs the demo and returns what it measured; always tears down unless {@code --keep}. */
    public DemoReport run() throws Exception {
        Thread hook = new Thread(this::tearDown, "demo-teardown");
        if (!options.keep()) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            return measure();
        } finally {
            if (!options.keep()) {
                tearDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: nothing left to do
                }
            } else {
                progress("--keep: testbed, gateway and AP left running; remove them with ./haap testbed down");
            }
        }
    }

    private DemoReport measure() throws Exception {
        Profile profile = options.profile();
        testbed.up(profile, this::progress);
        progress("starting the aggregation point in " + testbed.namespace(Node.AP) + " and the gateway in "
                + testbed.namespace(Node.CPE));
        proxies = ProxyPair.start(testbed);
        progress("AP log " + proxies.apLog() + ", gateway log " + proxies.gatewayLog());
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        TrafficCounters counters = new TrafficCounters();
        InetSocketAddress target = address(AddressPlan.SERVER, TRAFFIC_PORT);
        try (TrafficServer server = TrafficServer.start(testbed.namespace(Node.SERVER),
                List.of(target, address(AddressPlan.SERVER6, TRAFFIC_PORT)), group, counters);
             TrafficClient client = new TrafficClient(group, testbed.namespace(Node.CLIENT), ClientSocketOptions.tcp(),
                     counters)) {
            progress("traffic server on " + target + " in " + testbed.namespace(Node.SERVER) + "; client in "
                    + testbed.namespace(Node.CLIENT) + " (plain TCP, intercepted by the gateway)");
            double connectMs = connectTimes(client, target);
            progress(String.format(java.util.Locale.ROOT, "connect time through gateway and AP: %.1f ms median of %d",
                    connectMs, PINGS));
            progress("transfer: " + STREAMS + " connections up and " + STREAMS + " down for " + options.seconds() + " s");
            out.println(RateTable.header());
            Map<Wan, WanCounters> start = wanCounters();
            WanSampler sampler = new WanSampler(start);
            BulkTransfer.Result r = BulkTransfer.run(client, counters, target, STREAMS, STREAMS, options.seconds(),
                    (second, up, down) -> out.println(sampler.row(second)));
            Map<Wan, WanCounters> end = wanCounters();
            Map<Wan, WanCounters> delta = new EnumMap<>(Wan.class);
            for (Wan w : Wan.values()) {
                delta.put(w, end.get(w).minus(start.get(w)));
            }
            double lineRate = profile.dsl().rateMbit() + profile.lte().rateMbit();
            if (!profile.dsl().shaped() || !profile.lte().shaped()) {
                lineRate = 0;
            }
            return new DemoReport(profile.name(), options.seconds(), delta, r.uploadMbps(), r.downloadMbps(), lineRate,
                    r.intact(), connectMs, r.errors());
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private double connectTimes(TrafficClient client, InetSocketAddress target) throws Exception {
        double[] ms = new double[PINGS];
        for (int i = 0; i < PINGS; i++) {
            StreamResult r = client.ping(target).get(15, TimeUnit.SECONDS);
            if (!r.ok()) {
                throw new IllegalStateException("no connection through the gateway to " + target + ": " + r.error()
                        + " (see " + proxies.gatewayLog() + " and " + proxies.apLog() + ")");
            }
            ms[i] = r.firstByteNanos() / 1e6;
        }
        Arrays.sort(ms);
        return ms[PINGS / 2];
    }

    private Map<Wan, WanCounters> wanCounters() {
        Map<Wan, WanCounters> m = new EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            m.put(w, testbed.wanBytes(w));
        }
        return m;
    }

    /** Per-second WAN rates from the CPE's interface counters. */
    private final class WanSampler {
        private Map<Wan, WanCounters> last;
        private long lastNanos = System.nanoTime();

        WanSampler(Map<Wan, WanCounters> start) {
            this.last = start;
        }

        String row(int second) {
            Map<Wan, WanCounters> now = wanCounters();
            long t = System.nanoTime();
            WanCounters dsl = now.get(Wan.DSL).minus(last.get(Wan.DSL));
            WanCounters lte = now.get(Wan.LTE).minus(last.get(Wan.LTE));
            double secs = (t - lastNanos) / 1e9;
            last = now;
            lastNanos = t;
            return RateTable.row(second, dsl.txBytes(), dsl.rxBytes(), lte.txBytes(), lte.rxBytes(), secs);
        }
    }

    /** Stops the proxies and removes the testbed, once. */
    public void tearDown() {
        if (!tornDown.compareAndSet(false, true)) {
            return;
        }
        List<Throwable> problems = new ArrayList<>();
        if (proxies != null) {
            try {
                proxies.close();
            } catch (RuntimeException e) {
                problems.add(e);
            }
        }
        try {
            testbed.down(this::progress);
        } catch (RuntimeException e) {
            problems.add(e);
        }
        problems.forEach(p -> progress("tear-down problem: " + p.getMessage()));
    }

    private void progress(String line) {
        err.println("demo: " + line);
    }

    private static InetSocketAddress address(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + host, e);
        }
    }
}
