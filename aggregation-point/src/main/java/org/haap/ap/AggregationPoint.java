package org.haap.ap;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.haap.ap.internal.ReloadPlan;
import org.haap.config.ApConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.config.reload.ConfigReloader;
import org.haap.ap.internal.TcpOptionSupport;
import org.haap.config.CongestionControl;
import org.haap.config.SocketProtocol;
import org.haap.core.lifecycle.ServiceMain;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.Protocol;
import org.haap.core.mptcp.ServerSocketOptions;
import org.haap.core.net.TcpCongestion;
import org.haap.core.net.AcceptBackoff;
import org.haap.core.sys.FileDescriptorLimit;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The aggregation point server: one SO_REUSEPORT listener per configured address and per
 * event loop (so the kernel spreads accepts over the loops), each accepted client handled
 * on its listener's loop together with its upstream connection (which lets the relay
 * splice). A listener that runs out of file descriptors resets new connections or pauses
 * accepting ({@link AcceptBackoff}). {@link #close()} drains: it stops accepting, closes connections that have not
 * started a session, lets open sessions finish until the drain deadline, then resets what
 * is left. In cluster mode ({@link ClusterNode}) it also listens on the node address, and
 * deletes the node's announced endpoint once drained. After {@link #reloadFrom} a
 * {@link #reload()} (SIGHUP) re-reads the configuration file and applies its reloadable
 * keys to new connections, probes and pool hellos; open sessions are not touched.
 */
public final class AggregationPoint implements ServiceMain.Service, ServiceMain.Reloadable {

    private static final Logger LOG = System.getLogger(AggregationPoint.class.getName());
    /** The MPTCP sysctls of the AP's network namespace. */
    private static final Path MPTCP_SYSCTLS = Path.of("/proc/sys/net/mptcp");

    /** The configuration at start: what only start reads (listen, protocol, drain, probe, ...). */
    private final ApConfig config;
    private final ApMetrics metrics;
    private final MultiThreadIoEventLoopGroup group;
    private final ApContext context;
    private final List<Channel> listeners = new ArrayList<>();
    private org.haap.ap.probe.ProbeResponder probes;
    /** The cluster-node set-up ({@code cluster.enabled}), or {@code null}. */
    private ClusterNode cluster;
    private volatile ConfigReloader<ApConfig> reloader;
    private final RejectionLog rejections;

    private AggregationPoint(ApConfig config, ApMetrics metrics, MultiThreadIoEventLoopGroup group,
                             String congestionControl) {
        this.config = config;
        this.metrics = metrics;
        this.group = group;
        this.context = ApContext.create(config, metrics, ownAddresses(),
                new DefaultChannelGroup("haap-ap-clients", GlobalEventExecutor.INSTANCE),
                TcpOptionSupport.ofThisNamespace(config.protocol() == SocketProtocol.MPTCP), congestionControl);
        this.rejections = new RejectionLog(metrics);
        metrics.budgetGauges(context.pool(), context.admission());
    }

    /**
     * Starts listening on every configured address.
     *
     * @throws IOException when a listener cannot be created or bound
     */
    public static AggregationPoint start(ApConfig config, ApMetrics metrics, MptcpSockets sockets)
            throws IOException {
        TcpCongestion.Choice cc = TcpCongestion.choose(ApConfig.PATH + ".congestion-control",
                config.congestionControl().algorithm(), CongestionControl.PREFERRED);
        cc.warning().ifPresent(w -> LOG.log(Level.WARNING, w));
        LOG.log(Level.INFO, "TCP congestion control of the listeners and upstream connections: " + cc.algorithm());
        int loops = config.effectiveEventLoops();
        var group = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("haap-ap"),
                EpollIoHandler.newFactory());
        AggregationPoint ap = new AggregationPoint(config, metrics, group, cc.algorithm());
        config.warnings().forEach(w -> LOG.log(Level.WARNING, w));
        openFilesWarning(config).ifPresent(w -> LOG.log(Level.WARNING, w));
        fastOpenWarning(config.tcpFastOpenQueue(), readSysctl("net/ipv4/tcp_fastopen"))
                .ifPresent(w -> LOG.log(Level.WARNING, w));
        try {
            ap.cluster = ClusterNode.setUp(config.cluster(), MPTCP_SYSCTLS);
            ap.bind(sockets);
            ap.startProbes(metrics);
            long every = RejectionLog.INTERVAL.toSeconds();
            group.next().scheduleAtFixedRate(ap.rejections::flush, every, every, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            ap.listeners.forEach(Channel::close);
            ap.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (ap.cluster != null) {
                ap.cluster.close();
            }
            throw e;
        }
        return ap;
    }

    private void bind(MptcpSockets sockets) throws IOException {
        Protocol protocol = config.protocol() == org.haap.config.SocketProtocol.TCP ? Protocol.TCP : Protocol.MPTCP;
        ServerSocketOptions options = new ServerSocketOptions(protocol, true, false,
                config.backlog(), config.tcpFastOpenQueue(), config.fastOpen().cookieLess(),
                context.congestionControl());
        List<InetSocketAddress> addresses = new ArrayList<>(config.listen());
        addresses.addAll(config.cluster().extraListen(config.listen()));
        for (InetSocketAddress address : addresses) {
            for (EventExecutor executor : group) {
                EventLoop loop = (EventLoop) executor;
                EpollServerSocketChannel server = sockets.openServer(address, options);
                ChannelFuture registered = new ServerBootstrap()
                        .group(loop, loop)
                        .channelFactory(() -> server)
                        .handler(new AcceptBackoff(metrics.acceptListener()))
                        // TCP_NODELAY: Netty's epoll channels set it when they are made
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childHandler(new ApChannelInitializer(context))
                        .register()
                        .syncUninterruptibly();
                listeners.add(registered.channel());
            }
        }
    }

    /**
     * A listener TFO queue without the server bit (2) in {@code net.ipv4.tcp_fastopen} of this
     * network namespace takes no data from SYNs: every 0-RTT Connect costs a round trip more.
     */
    static java.util.Optional<String> fastOpenWarning(int queue, String sysctl) {
        if (queue <= 0 || sysctl == null) {
            return java.util.Optional.empty();
        }
        try {
            if ((Integer.parseInt(sysctl.trim()) & 2) != 0) {
                return java.util.Optional.empty();
            }
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(ApConfig.PATH + ".tcp-fast-open-queue: " + queue + " but net.ipv4.tcp_fastopen = "
                + sysctl.trim() + " lacks the server bit (2): data in SYNs is not taken and a gateway's 0-RTT"
                + " Connect costs a round trip more (install 90-haap-aggregation-point.conf from deploy/sysctl,"
                + " which sets 3)");
    }

    private static String readSysctl(String name) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys", name));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@link ApConfig#openFilesWarning} against this process's soft limit (raised to the hard one at start). */
    private static java.util.Optional<String> openFilesWarning(ApConfig config) {
        try {
            long soft = FileDescriptorLimit.current().soft();
            return soft < 0 ? java.util.Optional.empty() : config.openFilesWarning(soft); // < 0: unlimited
        } catch (IOException | RuntimeException | LinkageError e) {
            return java.util.Optional.empty();
        }
    }

    /** The link-probe responder ({@code probe.enabled}), on the AP's event loops. */
    private void startProbes(ApMetrics metrics) throws IOException {
        var settings = config.probe();
        if (!settings.enabled()) {
            return;
        }
        probes = org.haap.ap.probe.ProbeResponder.start(settings.effectiveListen(listenAddresses()),
                settings.maxPerSecondPerSource(), config.cookies(), config.clientsAllow(), group,
                new org.haap.ap.probe.ProbeMetrics(metrics.registry()));
        LOG.log(Level.INFO, "probe responder on " + probes.localAddresses() + " (udp)");
    }

    /** The configuration new connections use now. */
    public ApConfig config() {
        return context.config();
    }

    /**
     * Makes {@code newConfig}'s reloadable keys ({@link org.haap.ap.internal.ReloadPlan}) the
     * ones of every later connection, probe and pool hello. The caller passes a configuration
     * whose other keys are the running ones.
     */
    void apply(ApConfig newConfig) {
        context.apply(newConfig);
        if (probes != null) {
            probes.update(newConfig.cookies(), newConfig.clientsAllow());
        }
    }

    /** Lets {@link #reload()} re-read {@code configFile}, the file this AP was started from. */
    public void reloadFrom(Path configFile) {
        reloader = reloader(configFile, this::config, this::apply, metrics);
    }

    /**
     * The AP's reloader of {@code file}: the AP's loader and {@link ReloadPlan}, counted in
     * {@code haap_ap_config_reloads_total}.
     */
    static ConfigReloader<ApConfig> reloader(Path file, Supplier<ApConfig> running, Consumer<ApConfig> apply,
            ApMetrics metrics) {
        return new ConfigReloader<>(file, f -> HaapConfigLoader.aggregationPoint(HaapConfigLoader.load(f)),
                running, ReloadPlan::between, apply, metrics.configReloads()::reloaded);
    }

    /**
     * Re-reads the configuration file given to {@link #reloadFrom} (nothing before that):
     * an invalid file changes nothing (a warning, {@code haap_ap_config_reloads_total{result="invalid"}}).
     */
    @Override
    public void reload() {
        ConfigReloader<ApConfig> r = reloader;
        if (r != null) {
            r.reload();
        }
    }

    /** The addresses this AP listens on (one entry per configured address). */
    public List<InetSocketAddress> listenAddresses() {
        Set<InetSocketAddress> seen = new java.util.LinkedHashSet<>();
        for (Channel ch : listeners) {
            seen.add((InetSocketAddress) ch.localAddress());
        }
        return List.copyOf(seen);
    }

    /** Client sessions currently open. */
    @Override
    public int activeSessions() {
        return context.metrics().activeSessions();
    }

    /**
     * Drains and stops: stops accepting, closes every connection that has not started a
     * session (header phase, idle in the warm pool), lets open sessions finish until the
     * drain deadline ({@code timeouts.drain}), then resets both sides of what is left
     * (recorded as {@code drain_aborted}, so no client takes a cut transfer for a complete
     * one) and stops the event loops.
     */
    @Override
    public void close() {
        context.draining().set(true);
        if (probes != null) {
            probes.close();
        }
        for (Channel l : listeners) {
            l.close().syncUninterruptibly();
        }
        long deadline = System.nanoTime() + config.timeouts().drain().toNanos();
        sessions().forEach(ApSession::drainStart);
        while (!context.clients().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<ApSession> left = sessions();
        if (!left.isEmpty()) {
            LOG.log(Level.WARNING, "drain deadline reached: resetting both sides of " + left.size()
                    + " sessions still open (haap_ap_sessions_ended_total{reason=\"drain_aborted\"})");
            left.forEach(ApSession::drainDeadline);
            context.clients().newCloseFuture().awaitUninterruptibly(500, TimeUnit.MILLISECONDS);
        }
        rejections.flush();
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).syncUninterruptibly();
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The sessions of the client channels open now. */
    private List<ApSession> sessions() {
        List<ApSession> sessions = new ArrayList<>();
        for (Channel ch : context.clients()) {
            ApSession s = ch.attr(ApSession.KEY).get();
            if (s != null) {
                sessions.add(s);
            }
        }
        return sessions;
    }

    private static Set<InetAddress> ownAddresses() {
        Set<InetAddress> own = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                own.addAll(Collections.list(nif.getInetAddresses()));
            }
        } catch (SocketException e) {
            LOG.log(Level.WARNING, "cannot list the local addresses: " + e.getMessage());
        }
        return Set.copyOf(own);
    }
}
