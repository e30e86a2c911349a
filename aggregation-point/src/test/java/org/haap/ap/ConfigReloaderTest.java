package org.haap.ap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.haap.ap.internal.ReloadPlan;
import org.haap.config.ApConfig;
import org.haap.config.HaapConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reload decision without signals: a real file, the real loader, a stand-in for the running AP. */
class ConfigReloaderTest {

    @TempDir
    Path dir;
    private Path file;
    private final ApMetrics metrics = new ApMetrics(new SimpleMeterRegistry());
    private final AtomicReference<ApConfig> running = new AtomicReference<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger jul = Logger.getLogger(ConfigReloader.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private ConfigReloader reloader;

    @BeforeEach
    void start() throws IOException {
        jul.addHandler(capture);
        file = dir.resolve("ap.conf");
        write("cookies = [\"cookie-a\"], clients.allow = [\"198.18.1.0/24\"], listen = [\"0.0.0.0:5124\"]");
        running.set(load(file));
        reloader = new ConfigReloader(file, ConfigReloaderTest::load, running::get, running::set, metrics);
    }

    @AfterEach
    void stop() {
        jul.removeHandler(capture);
    }

    private static ApConfig load(Path f) {
        return HaapConfigLoader.aggregationPoint(HaapConfigLoader.load(f));
    }

    private void write(String body) throws IOException {
        Files.writeString(file, "haap.aggregation-point { " + body + " }\n", StandardCharsets.UTF_8);
    }

    private List<String> messages(Level level) {
        return logged.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    @Test
    void validFileIsAppliedCountedAndLoggedOnce() throws IOException {
        write("cookies = [\"cookie-b\"], clients.allow = [\"198.18.2.0/24\"], listen = [\"0.0.0.0:5124\"]");
        ReloadPlan plan = reloader.reload().orElseThrow();
        assertEquals(List.of("clients.allow", "cookies"), plan.changed());
        assertTrue(running.get().cookies().accepts("cookie-b".getBytes(StandardCharsets.UTF_8)));
        assertFalse(running.get().cookies().accepts("cookie-a".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1.0, metrics.configReloads(true));
        assertEquals(0.0, metrics.configReloads(false));
        List<String> info = messages(Level.INFO);
        assertEquals(1, info.size(), info::toString);
        assertTrue(info.get(0).contains("clients.allow, cookies"), info::toString);
        assertFalse(info.get(0).contains("cookie-b"), "never logs a cookie");
        assertEquals(List.of(), messages(Level.WARNING));
    }

    @Test
    void invalidFileKeepsTheRunningConfigurationAndNamesTheKey() throws IOException {
        ApConfig before = running.get();
        write("cookies = [\"cookie-b\"], timeouts.header = -1s");
        assertTrue(reloader.reload().isEmpty());
        assertSame(before, running.get());
        assertEquals(1.0, metrics.configReloads(false));
        assertEquals(0.0, metrics.configReloads(true));
        List<String> warnings = messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains(file.toString()), warnings::toString);
        assertTrue(warnings.get(0).contains("haap.aggregation-point.timeouts.header"), warnings::toString);

        Files.writeString(file, "haap.aggregation-point { cookies = [", StandardCharsets.UTF_8);
        assertTrue(reloader.reload().isEmpty(), "unparsable");
        Files.delete(file);
        assertTrue(reloader.reload().isEmpty(), "missing");
        assertEquals(3.0, metrics.configReloads(false));
        assertSame(before, running.get());
    }

    @Test
    void startOnlyChangesWarnAndKeepTheirRunningValues() throws IOException {
        write("cookies = [\"cookie-a\"], clients.allow = [\"198.18.1.0/24\"], listen = [\"0.0.0.0:6000\"],"
                + " relay.splice = false");
        ReloadPlan plan = reloader.reload().orElseThrow();
        assertEquals(List.of("listen", "relay"), plan.needRestart());
        assertEquals(5124, running.get().listen().get(0).getPort());
        assertTrue(running.get().relay().splice());
        assertEquals(1.0, metrics.configReloads(true));
        List<String> warnings = messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("listen, relay") && warnings.get(0).contains("need a restart"),
                warnings::toString);
        assertTrue(messages(Level.INFO).get(0).contains("no reloadable key changed"), logged::toString);
    }
}
