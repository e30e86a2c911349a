package org.haap.ap;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.haap.config.ApConfig;
import org.haap.config.ConfigError;
import org.haap.config.HaapConfigLoader;
import org.haap.config.SocketProtocol;
import org.haap.core.lifecycle.Shutdown;
import org.haap.core.metrics.MetricsServer;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.MptcpUnavailableException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code haap ap --config FILE}: starts the aggregation point, prints where it listens,
 * and drains and stops on SIGTERM/SIGINT.
 */
public final class Main {

    /** EX_CONFIG from sysexits.h: a configuration error. */
    static final int EXIT_CONFIG = 78;
    /** EX_UNAVAILABLE: a required kernel feature is missing. */
    static final int EXIT_UNAVAILABLE = 69;
    /** EX_OSERR / cannot bind and similar start-up failures. */
    static final int EXIT_START_FAILED = 71;

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
                        err.println("haap ap: --config needs a FILE");
                        return 64;
                    }
                    configFile = Path.of(args[++i]);
                }
                default -> {
                    err.println("haap ap: unknown argument '" + args[i] + "'");
                    err.print(usage());
                    return 64;
                }
            }
        }
        if (configFile == null) {
            err.println("haap ap: --config FILE is required");
            err.print(usage());
            return 64;
        }
        ApConfig config;
        try {
            config = HaapConfigLoader.aggregationPoint(HaapConfigLoader.load(configFile));
        } catch (ConfigError e) {
            err.println(configFile + ": " + e.getMessage());
            return EXIT_CONFIG;
        }
        MptcpSockets sockets;
        try {
            sockets = config.protocol() == SocketProtocol.MPTCP ? MptcpSockets.open() : MptcpSockets.tcpOnly();
        } catch (MptcpUnavailableException e) {
            err.println("haap ap: " + e.getMessage());
            return EXIT_UNAVAILABLE;
        }
        return serve(config, sockets, out, err);
    }

    private static int serve(ApConfig config, MptcpSockets sockets, PrintStream out, PrintStream err) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        ApMetrics metrics = new ApMetrics(registry);
        MetricsServer metricsServer = null;
        AggregationPoint ap;
        try {
            if (config.metrics().enabled()) {
                metricsServer = MetricsServer.start(config.metrics().listen(), registry);
            }
            ap = AggregationPoint.start(config, metrics, sockets);
        } catch (IOException | RuntimeException e) {
            err.println("haap ap: cannot start: " + e.getMessage());
            if (metricsServer != null) {
                metricsServer.close();
            }
            return EXIT_START_FAILED;
        }
        try (JvmGcMetrics gc = new JvmGcMetrics()) {
            gc.bindTo(registry);
            out.println("haap ap: listening on " + ap.listenAddresses().stream().map(Main::hostPort)
                            .collect(java.util.stream.Collectors.joining(", "))
                    + " (" + config.protocol().name().toLowerCase() + ")"
                    + (metricsServer != null ? ", metrics on http://" + hostPort(metricsServer.address()) + "/metrics" : ""));
            out.flush();
            CountDownLatch stopRequested = new CountDownLatch(1);
            Shutdown.onTerminate(stopRequested::countDown);
            stopRequested.await();
            out.println("haap ap: stopping, draining " + ap.activeSessions()
                    + " open sessions (up to " + config.timeouts().drain().toSeconds() + " s)");
            out.flush();
            ap.close();
            if (metricsServer != null) {
                metricsServer.close();
            }
            out.println("haap ap: stopped");
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        String host = a.getAddress() instanceof java.net.Inet6Address && a.getAddress().isAnyLocalAddress()
                ? "::" : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    static String usage() {
        return """
                Usage: haap ap --config FILE

                Runs the HAAP aggregation point: terminates Multipath TCP from client gateways,
                reads each connection's RFC 8803 Convert message, connects plain TCP to the
                destination and relays both ways.

                Options:
                  -c, --config FILE   HOCON configuration (keys: haap.aggregation-point.*,
                                      documented in the config module's reference.conf)
                  -h, --help          this text

                Stops on SIGTERM/SIGINT after draining open sessions (timeouts.drain).
                Exit codes: 0 stopped, 64 usage, 69 no MPTCP in the kernel, 71 cannot start,
                78 configuration error.
                """;
    }

    /** One line per record, unless the user configured JUL themselves. */
    static void configureLogging() {
        // Netty derives channel ids from a MAC address and warns when a namespace has none.
        if (System.getProperty("io.netty.machineId") == null) {
            System.setProperty("io.netty.machineId", "02:00:00:00:00:01");
        }
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }
}
