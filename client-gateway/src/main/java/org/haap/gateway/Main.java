package org.haap.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.haap.config.ConfigError;
import org.haap.config.GatewayConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.core.lifecycle.ServiceMain;
import org.haap.core.metrics.MetricsServer;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.MptcpUnavailableException;
import org.haap.robe.WanPath;

import static org.haap.core.lifecycle.ServiceMain.hostPort;

/**
 * {@code haap gateway --config FILE}: starts the client gateway, prints where it listens,
 * re-reads FILE on SIGHUP ({@link Gateway#reload()}), and drains and stops on SIGTERM/SIGINT.
 */
public final class Main {

    /** EX_USAGE. */
    static final int EXIT_USAGE = ServiceMain.EXIT_USAGE;
    /** EX_UNAVAILABLE: the kernel has no MPTCP. */
    static final int EXIT_UNAVAILABLE = ServiceMain.EXIT_UNAVAILABLE;
    /** EX_OSERR: cannot start (bind, netlink, sysctl write). */
    static final int EXIT_START_FAILED = ServiceMain.EXIT_START_FAILED;
    /** EX_CONFIG: a configuration error, or kernel settings that differ from it. */
    static final int EXIT_CONFIG = ConfigError.EXIT_CODE;

    private Main() {
    }

    public static void main(String[] args) {
        ServiceMain.configureProcess();
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ServiceMain.Arguments arguments = ServiceMain.parse("gateway", args, usage(), out, err);
        if (!arguments.run()) {
            return arguments.exitCode();
        }
        GatewayConfig config;
        try {
            config = HaapConfigLoader.gateway(HaapConfigLoader.load(arguments.configFile()));
        } catch (ConfigError e) {
            err.println(arguments.configFile() + ": " + e.getMessage());
            return EXIT_CONFIG;
        }
        MptcpSockets sockets;
        try {
            sockets = MptcpSockets.open();
        } catch (MptcpUnavailableException e) {
            err.println("haap gateway: " + e.getMessage());
            return EXIT_UNAVAILABLE;
        }
        return serve(arguments.configFile(), config, sockets, out, err);
    }

    private static int serve(Path configFile, GatewayConfig config, MptcpSockets sockets, PrintStream out,
            PrintStream err) {
        PrometheusMeterRegistry registry = ServiceMain.newRegistry();
        List<WanPath> paths = Gateway.wanPaths(config.wans());
        GatewayMetrics metrics = new GatewayMetrics(registry, paths,
                config.robe().mode().name().toLowerCase(java.util.Locale.ROOT));
        MetricsServer metricsServer = null;
        Gateway gateway;
        try {
            gateway = Gateway.start(config, sockets, metrics, paths);
        } catch (KernelSettings.MismatchException e) {
            err.println("haap gateway: refusing to start: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (IOException | RuntimeException e) {
            err.println("haap gateway: cannot start: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        try {
            if (config.metrics().enabled()) {
                var m = config.metrics();
                metricsServer = MetricsServer.start(m.listen(), registry,
                        new MetricsServer.Limits(m.readTimeout(), m.idleTimeout(), m.maxConnections()));
            }
        } catch (IOException | RuntimeException e) {
            err.println("haap gateway: cannot start the metrics endpoint: " + e.getMessage());
            gateway.close();
            return EXIT_START_FAILED;
        }
        gateway.reloadFrom(configFile);
        out.println("haap gateway: listening on "
                + gateway.listenAddresses().stream().map(ServiceMain::hostPort).collect(Collectors.joining(", "))
                + " (tproxy), aggregation point " + hostPort(config.aggregationPoint())
                + ", wans " + paths.stream().map(WanPath::toString).toList()
                + (metricsServer != null ? ", metrics on http://" + hostPort(metricsServer.address()) + "/metrics" : ""));
        out.flush();
        return ServiceMain.runUntilTerminated("gateway", gateway, config.timeouts().drain(), out, metricsServer);
    }

    static String usage() {
        return """
                Usage: haap gateway --config FILE

                Runs the HAAP client gateway: takes the LAN's TCP connections from nftables
                TPROXY, carries each over a Multipath TCP connection with subflows on every WAN
                to the aggregation point (RFC 8803 Convert), and relays both ways.

                Options:
                  -c, --config FILE   HOCON configuration (keys: haap.gateway.*, documented in
                                      the config module's reference.conf)
                  -h, --help          this text

                Needs CAP_NET_ADMIN (TPROXY listeners, MPTCP endpoints, sysctls). Stops on
                SIGTERM/SIGINT after draining open sessions (timeouts.drain).
                Re-reads FILE on SIGHUP (kill -HUP PID): on-ap-unreachable, robe.mode,
                robe.timer.syn-timeout, bypass.destinations and timeouts (but drain) apply to
                new LAN connections; open sessions keep going unchanged; a running warm pool
                takes robe.pool.min, max and max-idle at once. Other changed keys
                are logged as needing a restart and keep their running values; an invalid
                FILE is logged and the running configuration is kept.
                Exit codes: 0 stopped, 64 usage, 69 no MPTCP in the kernel, 71 cannot start,
                78 configuration error or kernel settings that differ from it.
                """;
    }
}
