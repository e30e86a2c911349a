package org.haap.ap;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.haap.config.ApConfig;
import org.haap.config.ConfigError;
import org.haap.config.HaapConfigLoader;
import org.haap.config.SocketProtocol;
import org.haap.core.lifecycle.ServiceMain;
import org.haap.core.metrics.MetricsServer;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.MptcpUnavailableException;

import java.io.IOException;
import java.io.PrintStream;
import java.util.stream.Collectors;

import static org.haap.core.lifecycle.ServiceMain.hostPort;

/**
 * {@code haap ap --config FILE}: starts the aggregation point, prints where it listens,
 * re-reads FILE on SIGHUP, and drains and stops on SIGTERM/SIGINT.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceMain.configureProcess();
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ServiceMain.Arguments arguments = ServiceMain.parse("ap", args, usage(), out, err);
        if (!arguments.run()) {
            return arguments.exitCode();
        }
        ApConfig config;
        try {
            config = HaapConfigLoader.aggregationPoint(HaapConfigLoader.load(arguments.configFile()));
        } catch (ConfigError e) {
            err.println(arguments.configFile() + ": " + e.getMessage());
            return ConfigError.EXIT_CODE;
        }
        MptcpSockets sockets;
        try {
            sockets = config.protocol() == SocketProtocol.MPTCP ? MptcpSockets.open() : MptcpSockets.tcpOnly();
        } catch (MptcpUnavailableException e) {
            err.println("haap ap: " + e.getMessage());
            return ServiceMain.EXIT_UNAVAILABLE;
        }
        PrometheusMeterRegistry registry = ServiceMain.newRegistry();
        ApMetrics metrics = new ApMetrics(registry);
        MetricsServer metricsServer = null;
        AggregationPoint ap;
        try {
            if (config.metrics().enabled()) {
                var m = config.metrics();
                metricsServer = MetricsServer.start(m.listen(), registry,
                        new MetricsServer.Limits(m.readTimeout(), m.idleTimeout(), m.maxConnections()));
            }
            ap = AggregationPoint.start(config, metrics, sockets);
        } catch (IOException | RuntimeException e) {
            err.println("haap ap: cannot start: " + e.getMessage());
            if (metricsServer != null) {
                metricsServer.close();
            }
            return ServiceMain.EXIT_START_FAILED;
        }
        ap.reloadFrom(arguments.configFile());
        out.println("haap ap: listening on "
                + ap.listenAddresses().stream().map(ServiceMain::hostPort).collect(Collectors.joining(", "))
                + " (" + config.protocol().name().toLowerCase() + ")"
                + (metricsServer != null ? ", metrics on http://" + hostPort(metricsServer.address()) + "/metrics" : ""));
        out.flush();
        return ServiceMain.runUntilTerminated("ap", ap, config.timeouts().drain(), out, metricsServer);
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
                Re-reads FILE on SIGHUP (kill -HUP PID): clients.allow, cookies,
                require-cookie, destinations, limits and timeouts (but drain) apply to new
                connections, probes and pool hellos; open sessions keep going unchanged. Other
                changed keys are logged as needing a restart and keep their running values;
                an invalid FILE is logged and the running configuration is kept.
                Exit codes: 0 stopped, 64 usage, 69 no MPTCP in the kernel, 71 cannot start,
                78 configuration error.
                """;
    }
}
