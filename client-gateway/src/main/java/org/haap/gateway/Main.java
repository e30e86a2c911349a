package org.haap.gateway;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.haap.config.ConfigError;
import org.haap.config.GatewayConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.core.metrics.MetricsServer;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.MptcpUnavailableException;
import org.haap.robe.WanPath;

/**
 * {@code haap gateway --config FILE}: starts the client gateway, prints where it listens,
 * and drains and stops on SIGTERM/SIGINT.
 */
public final class Main {

    /** EX_USAGE. */
    static final int EXIT_USAGE = 64;
    /** EX_UNAVAILABLE: the kernel has no MPTCP. */
    static final int EXIT_UNAVAILABLE = 69;
    /** EX_OSERR: cannot start (bind, netlink, sysctl write). */
    static final int EXIT_START_FAILED = 71;
    /** EX_CONFIG: a configuration error, or kernel settings that differ from it. */
    static final int EXIT_CONFIG = ConfigError.EXIT_CODE;

    private Main() {
    }

    public static void main(String[] args) {
        configureLogging();
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(usage());
                    return 0;
                }
                case "-c", "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("haap gateway: --config needs a FILE");
                        return EXIT_USAGE;
                    }
                    configFile = Path.of(args[++i]);
                }
                default -> {
                    err.println("haap gateway: unknown argument '" + args[i] + "'");
                    err.print(usage());
                    return EXIT_USAGE;
                }
            }
        }
        if (configFile == null) {
            err.println("haap gateway: --config FILE is required");
            err.print(usage());
            return EXIT_USAGE;
        }
        GatewayConfig config;
        try {
            config = HaapConfigLoader.gateway(HaapConfigLoader.load(configFile));
        } catch (ConfigError e) {
            err.println(configFile + ": " + e.getMessage());
            return EXIT_CONFIG;
        }
        MptcpSockets sockets;
        try {
            sockets = MptcpSockets.open();
        } catch (MptcpUnavailableException e) {
            err.println("haap gateway: " + e.getMessage());
            return EXIT_UNAVAILABLE;
        }
        return serve(config, sockets, out, err);
    }

    private static int serve(GatewayConfig config, MptcpSockets sockets, PrintStream out, PrintStream err) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        List<WanPath> paths = Gateway.wanPaths(config.wans());
        GatewayMetrics metrics = new GatewayMetrics(registry, paths);
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
                metricsServer = MetricsServer.start(config.metrics().listen(), registry);
            }
        } catch (IOException | RuntimeException e) {
            err.println("haap gateway: cannot start the metrics endpoint: " + e.getMessage());
            gateway.close();
            return EXIT_START_FAILED;
        }
        out.println("haap gateway: listening on " + gateway.listenAddresses()
                + " (tproxy), aggregation point " + hostPort(config.aggregationPoint())
                + ", wans " + paths.stream().map(WanPath::toString).toList()
                + (metricsServer != null ? ", metrics on http://" + hostPort(metricsServer.address()) + "/metrics" : ""));
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        MetricsServer ms = metricsServer;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("haap gateway: stopping, draining " + gateway.activeSessions()
                    + " open sessions (up to " + config.timeouts().drain().toSeconds() + " s)");
            gateway.close();
            if (ms != null) {
                ms.close();
            }
            System.out.println("haap gateway: stopped");
            System.out.flush();
            stopped.countDown();
        }, "haap-gateway-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
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
                Exit codes: 0 stopped, 64 usage, 69 no MPTCP in the kernel, 71 cannot start,
                78 configuration error or kernel settings that differ from it.
                """;
    }

    /** One line per record, unless the user configured JUL themselves. */
    static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }
}
