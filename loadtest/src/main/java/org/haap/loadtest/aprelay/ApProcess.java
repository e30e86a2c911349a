package org.haap.loadtest.aprelay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.haap.deploy.testbed.HaapApp;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Testbed;
import org.haap.loadtest.ProcessProbe;

/**
 * One aggregation point ({@code org.haap.ap.Main}) started as its own JVM in the testbed's AP
 * namespace, with a config written for the measurement, and its CPU time read from
 * {@code /proc/PID/stat}. The JVM gets the default JIT and a 256 MiB heap (not the testbed's
 * small JVM settings), tagged so that the testbed's {@code down()} finds it too.
 */
final class ApProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final long javaPid;
    private final Path log;

    private ApProcess(Process process, long javaPid, Path log) {
        this.process = process;
        this.javaPid = javaPid;
        this.log = log;
    }

    /**
     * The config: listen on {@code listen} (host:port), allow {@code destination} (a CIDR),
     * splice on or off, no metrics endpoint (two APs share the namespace).
     */
    static String config(String listen, String destination, boolean splice) {
        return "haap.aggregation-point {\n"
                + "  listen = [\"" + listen + "\"]\n"
                + "  destinations.allow = [\"" + destination + "\"]\n"
                + "  relay.splice = " + splice + "\n"
                + "  metrics.enabled = false\n"
                + "}\n";
    }

    /** Writes {@code config} next to the log and starts the AP; returns once it listens. */
    static ApProcess start(Testbed testbed, String name, String config) throws IOException, InterruptedException {
        Path log = testbed.logFile(Node.AP, name);
        Path conf = testbed.runDir().resolve(testbed.namespace(Node.AP) + "-" + name + ".conf");
        Files.createDirectories(testbed.runDir());
        Files.writeString(conf, config, StandardCharsets.UTF_8);
        Process p = testbed.startHaap(HaapApp.AGGREGATION_POINT, testbed.netns(Node.AP), log, conf, READY_TIMEOUT,
                List.of("-Xms256m", "-Xmx256m"));
        return new ApProcess(p, ProcessProbe.ofLaunched(p, "/java").pid(), log);
    }

    /** User plus system CPU seconds the AP's JVM has used so far (NaN if unreadable). */
    double cpuSeconds() {
        try {
            return new ProcessProbe(javaPid).cpuSeconds();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The AP's log file. */
    Path log() {
        return log;
    }

    @Override
    public void close() {
        ProcessHandle.of(javaPid).ifPresent(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                ProcessHandle.of(javaPid).ifPresent(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
