package org.haap.deploy.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

import org.haap.deploy.testbed.ExecResult;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.TestbedException;

/**
 * The aggregation point and the client gateway running in a testbed that is up: the AP in
 * the AP namespace, the gateway in the CPE namespace, both with {@link DemoConfigs}. Their
 * output goes to log files in the testbed's run directory.
 */
public final class ProxyPair implements AutoCloseable {

    /** What each application prints once its listeners are open. */
    static final String AP_READY = "haap ap: listening on";
    static final String GATEWAY_READY = "haap gateway: listening on";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

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
            Files.deleteIfExists(pair.apLog);
            Files.deleteIfExists(pair.gatewayLog);
            pair.ap = testbed.startJava(Node.AP, pair.apLog, "org.haap.ap.Main", "--config", files[0].toString());
            awaitReady(pair.ap, pair.apLog, AP_READY);
            pair.gateway = testbed.startJava(Node.CPE, pair.gatewayLog, "org.haap.gateway.Main",
                    "--config", files[1].toString());
            awaitReady(pair.gateway, pair.gatewayLog, GATEWAY_READY);
            return pair;
        } catch (IOException e) {
            pair.close();
            throw new TestbedException("cannot prepare the proxies' files", e);
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    private static void awaitReady(Process p, Path log, String ready) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!read(log).contains(ready)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new TestbedException((p.isAlive() ? "not listening after " + START_TIMEOUT.toSeconds() + " s"
                        : "exited with " + p.exitValue()) + ": " + log + ":\n" + read(log));
            }
            try {
                Thread.sleep(50); // polling a child's log: there is no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TestbedException("interrupted while starting " + log.getFileName(), e);
            }
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
        stop(gateway);
        stop(ap);
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
