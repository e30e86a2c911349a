package org.haap.gateway.pm;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.mptcp.TcpInfo;
import org.haap.robe.WanPath;

/**
 * A deterministic engine for tests: two WANs ({@code dsl} 198.51.100.2, {@code lte}
 * 203.0.113.7), tasks run inline, a fake clock, fake commands.
 */
public final class PmHarness {

    public static final InetSocketAddress AP = new InetSocketAddress(ip("192.0.2.10"), 5124);
    public static final PmWan DSL = new PmWan(0, new WanPath("dsl", "dsl0", ip("198.51.100.2"), null), false);
    public static final PmWan LTE = new PmWan(1, new WanPath("lte", "wwan0", ip("203.0.113.7"), null), false);
    public static final List<PmWan> WANS = List.of(DSL, LTE);

    public final FakeCommands commands = new FakeCommands();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final UserspacePathManager pm;
    private long nanos = 1_000_000_000L;

    public PmHarness(PathManagerPolicy policy) {
        this(policy, WANS);
    }

    public PmHarness(PathManagerPolicy policy, List<PmWan> wans) {
        pm = new UserspacePathManager(wans, policy, commands, registry, Runnable::run, () -> nanos);
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code wan}'s address with {@code port}. */
    public static InetSocketAddress on(PmWan wan, int port) {
        return new InetSocketAddress(wan.path().source(), port);
    }

    /** Advances the clock and ticks. */
    public void advance(Duration d) {
        nanos += d.toNanos();
        pm.tick();
    }

    public long nanos() {
        return nanos;
    }

    /** CREATED + ESTABLISHED of connection {@code token} whose initial subflow is on {@code wan}. */
    public void established(long token, PmWan wan, int port) {
        pm.connectionCreated(token, on(wan, port), AP);
        pm.connectionEstablished(token, on(wan, port), AP);
    }

    /**
     * CREATED + ESTABLISHED of connection {@code token} whose initial subflow is on {@code wan},
     * from a peer that set the MP_CAPABLE "C" flag (no joins to {@link #AP}).
     */
    public void establishedRefusingInitialJoins(long token, PmWan wan, int port) {
        pm.connectionCreated(token, on(wan, port), AP);
        pm.connectionEstablished(token, on(wan, port), AP, true);
    }

    /** A subflow of {@code token} on {@code wan} to {@code remote} is up. */
    public void subflowUp(long token, PmWan wan, int port, boolean backup, InetSocketAddress remote) {
        pm.subflowEstablished(token, on(wan, port), remote, backup);
    }

    public void subflowUp(long token, PmWan wan, int port, boolean backup) {
        pm.subflowEstablished(token, on(wan, port), AP, backup);
    }

    public void subflowDown(long token, PmWan wan, int port, int errno) {
        pm.subflowClosed(token, on(wan, port), AP, errno);
    }

    /** A sample of one subflow with {@code rto} and {@code retransmits}. */
    public void sample(long token, PmWan wan, int port, Duration rto, int retransmits) {
        TcpInfo t = new TcpInfo(20_000, 10, 0, 0, 0, 0, 0, 0, 1, retransmits, 0, rto.toNanos() / 1000, 0, 0, 0, 0);
        pm.sample(token, List.of(new SubflowInfo(1, on(wan, port), AP, t)));
    }

    /** A sample with no timer trouble on each of {@code (wan, port)} pairs. */
    public void healthy(long token, Object... wanPort) {
        List<SubflowInfo> infos = new java.util.ArrayList<>();
        for (int i = 0; i < wanPort.length; i += 2) {
            infos.add(new SubflowInfo(i, on((PmWan) wanPort[i], (Integer) wanPort[i + 1]), AP,
                    new TcpInfo(20_000, 10, 0, 0, 0, 0, 0, 0, 1, 0, 0, 220_000, 0, 0, 0, 0)));
        }
        pm.sample(token, infos);
    }

    /** Gateway-wide rates in Mbit/s: dsl, lte. */
    public void rates(double dslMbps, double lteMbps) {
        pm.wanRates(Map.of("dsl", dslMbps * 1e6, "lte", lteMbps * 1e6));
    }

    public double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }
}
