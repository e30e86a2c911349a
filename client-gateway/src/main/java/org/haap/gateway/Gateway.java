package org.haap.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.haap.config.CongestionControl;
import org.haap.config.GatewayConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.config.PathManagerMode;
import org.haap.config.WanConfig;
import org.haap.config.WarmPoolSettings;
import org.haap.config.reload.ConfigReloader;
import org.haap.core.lifecycle.HeapReturn;
import org.haap.core.net.TcpCongestion;
import org.haap.core.lifecycle.ServiceMain;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.Protocol;
import org.haap.core.mptcp.ServerSocketOptions;
import org.haap.core.net.AcceptBackoff;
import org.haap.core.pm.MptcpPmClient;
import org.haap.core.sys.NetlinkException;
import org.haap.gateway.internal.Interfaces;
import org.haap.gateway.internal.LoopGuard;
import org.haap.gateway.internal.PoolHello;
import org.haap.gateway.internal.ReloadPlan;
import org.haap.gateway.link.LinkListener;
import org.haap.gateway.link.LinkMonitor;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.link.WanLoad;
import org.haap.gateway.link.RtnlFeed;
import org.haap.gateway.pm.PmWan;
import org.haap.gateway.pm.UserspacePathManager;
import org.haap.gateway.pm.internal.NetlinkBridge;
import org.haap.gateway.pm.policy.Policies;
import org.haap.robe.Establisher;
import org.haap.robe.PathHistory;
import org.haap.robe.RobeSim;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;
import org.haap.robe.pool.PoolSettings;
import org.haap.robe.pool.WarmPool;

/**
 * A running client gateway. {@link #start} applies (or checks) the kernel MPTCP settings,
 * sets the in-kernel path manager's limits and endpoints or starts the userspace path
 * manager ({@code path-manager.mode}), starts the link monitor, and opens the TPROXY listeners;
 * {@link #close()} stops accepting, drains open sessions for up to {@code timeouts.drain},
 * closes the rest and removes the endpoints it added. Call both from the process's own
 * network namespace (sysctls, netlink and sockets are per namespace). After
 * {@link #reloadFrom} a {@link #reload()} (SIGHUP) re-reads the configuration file and applies
 * its reloadable keys ({@link ReloadPlan}) to new LAN connections; open sessions are not touched.
 */
public final class Gateway implements ServiceMain.Service, ServiceMain.Reloadable {

    private static final Logger LOG = System.getLogger(Gateway.class.getName());

    /** The configuration at start: what only start reads (listen, WANs, pool, drain, ...). */
    private final GatewayConfig config;
    private final GatewayContext context;
    private final EventLoopGroup group;
    private final List<Channel> listeners;
    private final MptcpPmClient pm;
    private final KernelEndpoints endpoints;
    private LinkMonitor linkMonitor;
    private RtnlFeed rtnl;
    private NetlinkBridge bridge;
    private UserspacePathManager userspace;
    private WanLoad wanLoad;
    private boolean closed;
    private volatile ConfigReloader<GatewayConfig> reloader;
    /** Sizes the warm pools to a {@code robe.pool}; {@code null} when no pool runs. */
    private Consumer<WarmPoolSettings> poolSizer;

    private Gateway(GatewayConfig config, GatewayContext context, EventLoopGroup group, List<Channel> listeners,
            MptcpPmClient pm, KernelEndpoints endpoints) {
        this.config = config;
        this.context = context;
        this.group = group;
        this.listeners = listeners;
        this.pm = pm;
        this.endpoints = endpoints;
    }

    /** The robe view of the configured WANs, in order of preference. */
    public static List<WanPath> wanPaths(List<WanConfig> wans) {
        List<WanPath> paths = new ArrayList<>();
        for (WanConfig w : wans) {
            paths.add(new WanPath(w.name(), w.interfaceName(), w.source(), w.source6()));
        }
        return List.copyOf(paths);
    }

    /**
     * Starts the gateway.
     *
     * @throws KernelSettings.MismatchException if the kernel settings differ and may not be changed
     * @throws IOException if a sysctl, the path manager or a listener cannot be set up
     */
    public static Gateway start(GatewayConfig config, MptcpSockets sockets, GatewayMetrics metrics,
            List<WanPath> paths) throws IOException {
        KernelSettings.ofCurrentNamespace().enforce(
                KernelSettings.required(config.sysctl(), config.pathManager().mode()), config.sysctl().manage());
        MptcpPmClient pm = MptcpPmClient.open();
        KernelEndpoints endpoints = null;
        NetlinkBridge bridge = null;
        UserspacePathManager userspace = null;
        EventLoopGroup group = null;
        List<Channel> listeners = new ArrayList<>();
        LinkMonitor linkMonitor = null;
        RtnlFeed rtnl = null;
        try {
            if (config.pathManager().mode() == PathManagerMode.USERSPACE) {
                // The event subscription must be open before the first connection: the
                // kernel's userspace path manager refuses joins without a subscriber.
                bridge = NetlinkBridge.open(metrics.mptcpEventStats());
                List<PmWan> pmWans = PmWan.of(config.wans());
                userspace = UserspacePathManager.start(pmWans,
                        Policies.create(config.pathManager(), pmWans, Clock.systemDefaultZone()), bridge,
                        metrics.registry());
                bridge.deliverTo(userspace);
                metrics.wanAccounting().onSample(userspace::sample);
                metrics.wanAccounting().onRates(userspace::wanRates);
                metrics.flows().onBulk(userspace::flowBulk);
            } else {
                endpoints = KernelEndpoints.install(pm, config.wans(), config.sysctl());
            }
            metrics.flows().thresholds(config.pathManager().bulk());
            WanState wanState = WanState.withDefaults(paths);
            UserspacePathManager engine = userspace;
            linkMonitor = LinkMonitor.forGateway(config, paths, wanState, metrics.registry(), new LinkListener() {
                @Override
                public void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
                    if (engine != null) {
                        engine.wanState(path.name(), to);
                    }
                }

                @Override
                public void probeAnswered(WanPath path, long rttNanos) {
                    if (engine != null) {
                        engine.wanRtt(path.name(), rttNanos);
                    }
                }
            });
            if (linkMonitor != null) {
                try {
                    rtnl = RtnlFeed.start(linkMonitor, metrics.rtnlEventStats());
                } catch (NetlinkException e) {
                    LOG.log(Level.WARNING, "link monitor: no rtnetlink subscription (" + e.getMessage()
                            + "); polling the interfaces' operstate instead");
                }
            }
            PathHistory history = PathHistory.withDefaults();
            LoopGuard guard = new LoopGuard(config.aggregationPoint(), Interfaces::localAddresses,
                    Duration.ofSeconds(10), System::nanoTime);
            TcpCongestion.Choice cc = TcpCongestion.choose(GatewayConfig.PATH + ".congestion-control",
                    config.congestionControl().algorithm(), CongestionControl.PREFERRED);
            cc.warning().ifPresent(w -> LOG.log(Level.WARNING, w));
            LOG.log(Level.INFO, "TCP congestion control of the connections to the aggregation point: "
                    + cc.algorithm());
            GatewayContext context = new GatewayContext(config, sockets, wanState, history, metrics, guard,
                    cc.algorithm());
            group = new MultiThreadIoEventLoopGroup(config.effectiveEventLoops(),
                    new DefaultThreadFactory("haap-gw"), EpollIoHandler.newFactory());
            // The pool is refilled with RobE_SIM whatever robe.mode says: off the critical path,
            // a SYN on every WAN at once costs nothing and always finds the fastest live WAN.
            Consumer<WarmPoolSettings> poolSizer = startPools(config, context,
                    new RobeSim(context.currentConnector(), wanState, history), wanState, group, metrics);
            metrics.wanAccounting().start(group);
            WanLoad load = engine == null ? null : WanLoad.start(group.next(), paths,
                    config.pathManager().bulk().wanSaturation(), engine::wanSaturated, metrics.registry());
            HeapReturn.start(group.next());
            for (InetSocketAddress address : config.listen()) {
                EpollServerSocketChannel server = sockets.openServer(address, ServerSocketOptions.defaults()
                        .withProtocol(Protocol.TCP).withTransparent(true).withReusePort(false));
                listeners.add(server);
                new ServerBootstrap().group(group)
                        .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> server)
                        .handler(new AcceptBackoff(metrics.acceptListener()))
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        // TCP_NODELAY: Netty's epoll channels set it when they are made
                        .childHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new GatewaySessionHandler(context));
                            }
                        })
                        .register().syncUninterruptibly();
            }
            Gateway gateway = new Gateway(config, context, group, listeners, pm, endpoints);
            gateway.linkMonitor = linkMonitor;
            gateway.rtnl = rtnl;
            gateway.bridge = bridge;
            gateway.userspace = userspace;
            gateway.wanLoad = load;
            gateway.poolSizer = poolSizer;
            return gateway;
        } catch (IOException | RuntimeException e) {
            closeAll(rtnl, linkMonitor, userspace, bridge);
            for (Channel l : listeners) {
                l.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            closeAll(endpoints, pm);
            throw e;
        }
    }

    /**
     * One warm pool per event loop when {@code robe.pool.enabled} (needs {@code cookie}),
     * refilled with {@code establisher} (RobE_SIM); its hellos wait for the current
     * {@code timeouts.convert-reply}. Returns what sizes the pools to a configuration's
     * {@code robe.pool} (used at start and by a reload), or {@code null} when no pool runs.
     */
    private static Consumer<WarmPoolSettings> startPools(GatewayConfig config, GatewayContext context,
            Establisher establisher, WanState wanState, EventLoopGroup group, GatewayMetrics metrics) {
        if (!config.robe().pool().enabled()) {
            return null;
        }
        if (context.cookie() == null) {
            LOG.log(Level.WARNING, "robe.pool.enabled needs haap.gateway.cookie (the pool hello is signed with it);"
                    + " running without a pool");
            return null;
        }
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(e -> loops.add((EventLoop) e));
        var handshake = new PoolHello(context.cookie(), () -> context.config().timeouts().convertReply());
        Consumer<WarmPoolSettings> sizer = pool -> {
            var total = new PoolSettings(pool.min(), pool.max(), pool.maxIdle());
            for (int i = 0; i < loops.size(); i++) {
                var share = total.share(i, loops.size());
                WarmPool running = context.pools().get(loops.get(i));
                if (running != null) {
                    running.resize(share);
                } else if (share.max() > 0) {
                    var wp = new WarmPool(loops.get(i), share, establisher, wanState,
                            config.aggregationPoint(), handshake, metrics.poolListener(), System::nanoTime);
                    context.pools().put(loops.get(i), wp);
                    wp.start();
                }
            }
        };
        sizer.accept(config.robe().pool());
        group.next().scheduleAtFixedRate(() -> metrics.poolIdle(
                context.pools().values().stream().mapToInt(WarmPool::idle).sum()),
                1, 1, TimeUnit.SECONDS);
        return sizer;
    }

    /** The bound listener addresses. */
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel l : listeners) {
            out.add((InetSocketAddress) l.localAddress());
        }
        return out;
    }

    /** Sessions currently open. */
    @Override
    public int activeSessions() {
        return context.sessions().size();
    }

    /** The configuration new LAN connections use now (the start configuration until a reload). */
    public GatewayConfig config() {
        return context.config();
    }

    /** Lets {@link #reload()} re-read {@code configFile}, the file this gateway was started from. */
    public void reloadFrom(Path configFile) {
        reloader = reloader(configFile, context::config, this::apply, context.metrics());
    }

    /**
     * Makes {@code newConfig} (a reload plan's, whose start-only keys are the running ones) the
     * configuration of new LAN connections and sizes the warm pools to its {@code robe.pool}.
     */
    private synchronized void apply(GatewayConfig newConfig) {
        if (closed) {
            return;
        }
        context.apply(newConfig);
        if (poolSizer != null) {
            poolSizer.accept(newConfig.robe().pool());
        }
    }

    /**
     * The gateway's reloader of {@code file}: the gateway's loader and {@link ReloadPlan},
     * counted in {@code haap_gateway_config_reloads_total}.
     */
    static ConfigReloader<GatewayConfig> reloader(Path file, Supplier<GatewayConfig> running,
            Consumer<GatewayConfig> apply, GatewayMetrics metrics) {
        return new ConfigReloader<>(file, f -> HaapConfigLoader.gateway(HaapConfigLoader.load(f)), running,
                ReloadPlan::between, apply, metrics.configReloads()::reloaded);
    }

    /**
     * Re-reads the configuration file given to {@link #reloadFrom} (nothing before that): an
     * invalid file changes nothing (a warning, {@code haap_gateway_config_reloads_total{result="invalid"}}).
     */
    @Override
    public void reload() {
        ConfigReloader<GatewayConfig> r = reloader;
        if (r != null) {
            r.reload();
        }
    }

    /** Stops accepting, drains, closes the rest, removes the endpoints. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.stopping(true);
        for (Channel l : listeners) {
            l.close().syncUninterruptibly();
        }
        for (var p : context.pools().values()) {
            p.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (GatewaySessionHandler s : context.sessions()) {
            s.shutdown(false);
        }
        long deadline = System.nanoTime() + config.timeouts().drain().toNanos();
        while (!context.sessions().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (GatewaySessionHandler s : context.sessions()) {
            s.shutdown(true);
        }
        context.metrics().wanAccounting().stop();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        closeAll(wanLoad, rtnl, linkMonitor, userspace, bridge, endpoints, pm);
    }

    /**
     * Closes the parts that exist (null = not started), in order: the link feeds before the
     * path manager they drive, the path manager before its kernel connection. A failure is
     * logged and the rest are still closed.
     */
    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable p : parts) {
            if (p == null) {
                continue;
            }
            try {
                p.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "stopping: closing " + p.getClass().getSimpleName() + " failed: " + e);
            }
        }
    }
}
