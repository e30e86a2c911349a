package org.haap.deploy.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;

import org.haap.deploy.testbed.ExecResult;
import org.haap.deploy.testbed.HaapApp;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.TestbedException;

/**
 * The aggregation point and the client gateway running in a testbed that is up: the AP in
 * the AP namespace, the gateway in the CPE namespace, both with {@link DemoConfigs}. Their
 * output goes to log files in the testbed's run directory.
 */
public final class ProxyPair implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Testbed testbed;
    private final Path apLog;
    private final Path gatewayLog;
    private Process ap;
    private Process gateway;

    private ProxyPair(Testbed testbed) {
        this.testbed = testbed;
        this.apLog = testbed.logFile(Node.AP, "aggregation-point");
        this.gatewayLog = testbed.logFile(Node.CPE, "gateway");
    }

    /**
     * Writes the configurations, starts the AP, waits until it listens, then the same for
     * the gateway.
     *
     * @throws TestbedException if one exits or does not listen within 60 s (with its log)
     */
    public static ProxyPair start(Testbed testbed) {
        ProxyPair pair = new ProxyPair(testbed);
        try {
            Path[] files = DemoConfigs.write(testbed.runDir());
            pair.ap = testbed.startHaap(HaapApp.AGGREGATION_POINT, Node.AP, pair.apLog, files[0], START_TIMEOUT);
            pair.gateway = testbed.startHaap(HaapApp.GATEWAY, Node.CPE, pair.gatewayLog, files[1], START_TIMEOUT);
            return pair;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    /** The AP's log file. */
    public Path apLog() {
        return apLog;
    }

    /** The gateway's log file. */
    public Path gatewayLog() {
        return gatewayLog;
    }

    /** The AP's Prometheus exposition, fetched inside its namespace. */
    public String apMetrics() {
        return metrics(Node.AP, DemoConfigs.AP_METRICS_PORT);
    }

    /** The gateway's Prometheus exposition, fetched inside its namespace. */
    public String gatewayMetrics() {
        return metrics(Node.CPE, DemoConfigs.GATEWAY_METRICS_PORT);
    }

    private String metrics(Node node, int port) {
        ExecResult r = testbed.exec(node, "curl", "-s", "--max-time", "5", "http://127.0.0.1:" + port + "/metrics");
        return r.check().stdout();
    }

    /**
     * The value of an unlabelled sample (or the sum over every label set) named
     * {@code name} in a Prometheus exposition, if present.
     */
    public static OptionalDouble sample(String exposition, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                String[] f = line.trim().split("\\s+");
                sum += Double.parseDouble(f[f.length - 1]);
                found = true;
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }

    /** Stops the gateway, then the AP (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        Testbed.stop(gateway, STOP_GRACE);
        Testbed.stop(ap, STOP_GRACE);
    }

}
