package org.haap.loadtest.aprelay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.haap.core.mptcp.MptcpSockets;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * {@code ap-relay}: bulk throughput through the aggregation point against the kernel alone,
 * in the same run. A private copy of the namespace testbed ({@code haapl-XXXX-*}, profile
 * {@code fast}: no shaping, no delay) carries everything. The client runs in the CPE
 * namespace and opens MPTCP connections whose first subflow leaves over DSL and whose second
 * joins over LTE (in-kernel path manager, a {@code subflow} endpoint on the LTE address).
 * <ul>
 *   <li>{@link Mode#BASELINE}: MPTCP straight to the bulk server in the server namespace,
 *       routed through the AP namespace;</li>
 *   <li>{@link Mode#RELAY_SPLICE} / {@link Mode#RELAY_COPY}: MPTCP to an AP process
 *       (splice on / off) with an RFC 8803 Connect for the server; the AP relays over TCP.</li>
 * </ul>
 * For each direction and connection count the modes alternate, {@code repeat} times, each
 * run {@code seconds} long.
 */
public final class ApRelayScenario implements Scenario {

    /** The scenario's name. */
    public static final String NAME = "ap-relay";
    /** Parallel connection counts measured. */
    static final List<Integer> CONNECTIONS = List.of(1, 4);
    static final int SERVER_PORT = 5201;
    /** Event-loop threads of the bulk client and of the bulk server (each). */
    static final int LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());
    static final int AP_SPLICE_PORT = AddressPlan.AP_PORT;
    static final int AP_COPY_PORT = AddressPlan.AP_PORT + 1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "AP relay throughput (MPTCP in over 2 subflows, TCP out, unshaped namespaces) vs. "
                + "the same client MPTCP straight to the server, as a ratio";
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        String prefix = "haapl-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2)) + "-";
        Testbed tb = Testbed.withPrefix(prefix);
        ctx.teardown().add("testbed " + prefix + "* down", tb::down);
        ctx.progress("bringing up testbed " + prefix + "* (profile fast)");
        tb.up(Profile.FAST, line -> { });
        configureMptcp(tb);

        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(LOOPS, EpollIoHandler.newFactory());
        ctx.teardown().add("server event loop", () -> serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync());
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(LOOPS, EpollIoHandler.newFactory());
        ctx.teardown().add("client event loop", () -> clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync());

        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(AddressPlan.SERVER), SERVER_PORT);
        BulkServer bulkServer = BulkServer.start(serverGroup, tb.namespace(Node.SERVER), server);
        ctx.teardown().add("bulk server", bulkServer::close);

        ctx.progress("starting aggregation points (splice on :" + AP_SPLICE_PORT + ", off :" + AP_COPY_PORT + ")");
        Map<Mode, ApProcess> aps = new EnumMap<>(Mode.class);
        String allow = AddressPlan.SERVER + "/32";
        ApProcess splice = ApProcess.start(tb, "ap-splice",
                ApProcess.config(AddressPlan.AP + ":" + AP_SPLICE_PORT, allow, true));
        ctx.teardown().add("AP (splice)", splice::close);
        aps.put(Mode.RELAY_SPLICE, splice);
        ApProcess copy = ApProcess.start(tb, "ap-copy",
                ApProcess.config(AddressPlan.AP + ":" + AP_COPY_PORT, allow, false));
        ctx.teardown().add("AP (copy)", copy::close);
        aps.put(Mode.RELAY_COPY, copy);

        ByteBuf chunk = BulkClientHandler.newChunk();
        ctx.teardown().add("client chunk", chunk::release);
        BulkClient client = new BulkClient(clientGroup, tb.namespace(Node.CPE), MptcpSockets.open(), chunk);
        InetAddress apAddress = InetAddress.getByName(AddressPlan.AP);

        List<Sample> samples = new ArrayList<>();
        Duration window = Duration.ofSeconds(ctx.seconds());
        int total = Transfer.values().length * CONNECTIONS.size() * ctx.repeat() * Mode.values().length;
        for (Transfer transfer : Transfer.values()) {
            for (int n : CONNECTIONS) {
                for (int run = 1; run <= ctx.repeat(); run++) {
                    for (Mode mode : Mode.values()) {
                        ApProcess ap = aps.get(mode);
                        InetSocketAddress remote = mode == Mode.BASELINE ? server
                                : new InetSocketAddress(apAddress, mode == Mode.RELAY_SPLICE ? AP_SPLICE_PORT : AP_COPY_PORT);
                        double cpu0 = ap == null ? Double.NaN : ap.cpuSeconds();
                        Map<Wan, WanCounters> w0 = wanBytes(tb);
                        Measurement m;
                        String error = null;
                        try {
                            m = client.measure(remote, mode.relayed() ? server : null, transfer, n, window);
                        } catch (Exception e) {
                            m = new Measurement(0, 0, 0);
                            error = describe(e);
                        }
                        Map<Wan, WanCounters> w1 = wanBytes(tb);
                        double cpu = ap == null ? Double.NaN : ap.cpuSeconds() - cpu0;
                        Sample s = new Sample(mode, transfer, n, run, m, cpu, lteShare(transfer, w0, w1), error);
                        samples.add(s);
                        ctx.progress(String.format(Locale.ROOT,
                                "%d/%d %s x%d %s run %d: %s", samples.size(), total, transfer.label(), n,
                                mode.label(), run, error != null ? "FAILED " + error
                                        : String.format(Locale.ROOT, "%.0f Mbit/s, %d subflows",
                                        m.mbitPerSecond(), m.minSubflows())));
                    }
                }
            }
        }
        return new ApRelayResult(Profile.FAST.name(), ctx.seconds(), ctx.repeat(), CONNECTIONS, samples);
    }

    /**
     * Two subflows per connection: limits on all three MPTCP ends, and in the CPE a
     * {@code subflow} endpoint on the LTE address, so the kernel joins over LTE (its
     * policy-routing rule sends it out of the LTE link) after the first subflow opened over
     * the default route (DSL).
     */
    private static void configureMptcp(Testbed tb) {
        for (Node n : List.of(Node.CPE, Node.AP, Node.SERVER)) {
            tb.exec(n, "ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2").check();
        }
        tb.exec(Node.CPE, "ip", "mptcp", "endpoint", "add", Wan.LTE.cpeAddress(), "dev", Wan.LTE.interfaceName(),
                "subflow").check();
    }

    private static Map<Wan, WanCounters> wanBytes(Testbed tb) {
        Map<Wan, WanCounters> m = new EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            m.put(w, tb.wanBytes(w));
        }
        return m;
    }

    private static String describe(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof TimeoutException ? "timed out waiting for the connections to become ready" : t.toString();
    }

    static double lteShare(Transfer t, Map<Wan, WanCounters> before, Map<Wan, WanCounters> after) {
        long dsl = delta(t, before.get(Wan.DSL), after.get(Wan.DSL));
        long lte = delta(t, before.get(Wan.LTE), after.get(Wan.LTE));
        return dsl + lte == 0 ? Double.NaN : lte / (double) (dsl + lte);
    }

    private static long delta(Transfer t, WanCounters before, WanCounters after) {
        return t == Transfer.UPLOAD ? after.txBytes() - before.txBytes() : after.rxBytes() - before.rxBytes();
    }
}
