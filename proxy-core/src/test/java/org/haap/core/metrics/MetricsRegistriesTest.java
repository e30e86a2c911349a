package org.haap.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MetricsRegistriesTest {

    @Test
    void buildInfoIsAConstantOneWithTheVersionLabel() {
        String text = MetricsRegistries.newPrometheusRegistry(BuildInfo.of("1.2.3")).scrape();
        assertTrue(text.contains("haap_build_info{version=\"1.2.3\"} 1"), text);
    }

    @Test
    void buildInfoFromTheClassPathHasAVersion() {
        assertFalse(BuildInfo.fromClassPath().version().isBlank());
        assertThrows(IllegalArgumentException.class, () -> BuildInfo.of(" "));
    }

    @Test
    void processAndJvmMetricsAreExposedWithPromtoolFriendlyNames() {
        Set<String> families = families(MetricsRegistries.newPrometheusRegistry().scrape());
        for (String expected : new String[] {"jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
                "jvm_threads_live_threads", "jvm_classes_loaded_classes", "jvm_info", "process_cpu_usage",
                "process_cpu_seconds_total", "process_uptime_seconds", "process_files_open_files", "system_cpus",
                "haap_build_info"}) {
            assertTrue(families.contains(expected), () -> expected + " missing from " + families);
        }
        assertFalse(families.contains("process_cpu_time_ns_total"), "abbreviated unit");
        assertFalse(families.contains("system_cpu_count"), "_count suffix on a gauge");
    }

    @Test
    void processCpuSecondsIsInSeconds() {
        String text = MetricsRegistries.newPrometheusRegistry().scrape();
        double seconds = Double.parseDouble(text.lines().filter(l -> l.startsWith("process_cpu_seconds_total "))
                .findFirst().orElseThrow().split(" ")[1]);
        assertTrue(seconds > 0 && seconds < 1e6, () -> "process_cpu_seconds_total " + seconds);
    }

    @Test
    void serverServesTheRegistryAndRejectsOtherPaths() throws Exception {
        PrometheusMeterRegistry registry = MetricsRegistries.newPrometheusRegistry(BuildInfo.of("9.9"));
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                registry)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.address().getPort();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(ok.body().contains("haap_build_info{version=\"9.9\"} 1"));
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/other")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
        }
    }

    /** {@code promtool check metrics} on the shared meters (runs when promtool is installed; required in CI). */
    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        Path promtool = onPath("promtool");
        if (promtool == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("promtool is not installed (Debian package prometheus)");
            }
            Assumptions.abort("promtool is not installed");
        }
        Path in = Files.createTempFile("haap-metrics", ".txt");
        try {
            Files.writeString(in, MetricsRegistries.newPrometheusRegistry().scrape(), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                    .redirectInput(in.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
            assertEquals(0, p.exitValue(), out);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    private static Set<String> families(String text) {
        Set<String> out = new TreeSet<>();
        text.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> out.add(l.split(" ")[2]));
        return out;
    }

    private static Path onPath(String tool) throws IOException {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        return null;
    }
}
