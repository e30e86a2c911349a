package org.haap.config.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.haap.config.ApConfig;
import org.haap.config.HaapConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload decision without signals: a real file, the real loader, a stand-in for the
 * running service and a small plan (cookies reloadable, listen start-only).
 */
class ConfigReloaderTest {

    @TempDir
    Path dir;
    private Path file;
    private final AtomicReference<ApConfig> running = new AtomicReference<>();
    private final List<Boolean> counted = new CopyOnWriteArrayList<>();
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
    private ConfigReloader<ApConfig> reloader;

    /** Cookies apply; a changed listen needs a restart, so the running configuration is kept whole. */
    private static ConfigReloader.Plan<ApConfig> plan(ApConfig was, ApConfig now) {
        KeyChanges keys = new KeyChanges()
                .reloadable("cookies", was.cookies(), now.cookies())
                .startOnly("listen", was.listen(), now.listen());
        return keys.plan(keys.needRestart().isEmpty() ? now : was);
    }

    @BeforeEach
    void start() throws IOException {
        jul.addHandler(capture);
        file = dir.resolve("ap.conf");
        write("cookies = [\"cookie-a\"], listen = [\"0.0.0.0:5124\"]");
        running.set(load(file));
        reloader = new ConfigReloader<>(file, ConfigReloaderTest::load, running::get, ConfigReloaderTest::plan,
                running::set, counted::add);
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
        write("cookies = [\"cookie-b\"], listen = [\"0.0.0.0:5124\"]");
        ConfigReloader.Plan<ApConfig> plan = reloader.reload().orElseThrow();
        assertEquals(List.of("cookies"), plan.changed());
        assertSame(plan.applied(), running.get(), "the plan's configuration is applied");
        assertTrue(running.get().cookies().accepts("cookie-b".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(true), counted);
        List<String> info = messages(Level.INFO);
        assertEquals(1, info.size(), info::toString);
        assertTrue(info.get(0).contains(file.toString()) && info.get(0).contains("applied cookies"), info::toString);
        assertFalse(info.get(0).contains("cookie-b"), "never logs a cookie");
        assertEquals(List.of(), messages(Level.WARNING));
    }

    @Test
    void invalidFileKeepsTheRunningConfigurationAndNamesTheKey() throws IOException {
        ApConfig before = running.get();
        write("cookies = [\"cookie-b\"], timeouts.header = -1s");
        assertTrue(reloader.reload().isEmpty());
        assertSame(before, running.get());
        assertEquals(List.of(false), counted);
        List<String> warnings = messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains(file.toString()), warnings::toString);
        assertTrue(warnings.get(0).contains("haap.aggregation-point.timeouts.header"), warnings::toString);
        assertEquals(List.of(), messages(Level.INFO));

        Files.writeString(file, "haap.aggregation-point { cookies = [", StandardCharsets.UTF_8);
        assertTrue(reloader.reload().isEmpty(), "unparsable");
        Files.delete(file);
        assertTrue(reloader.reload().isEmpty(), "missing");
        assertEquals(List.of(false, false, false), counted);
        assertSame(before, running.get());
    }

    @Test
    void startOnlyChangesWarnAndKeepTheirRunningValues() throws IOException {
        ApConfig before = running.get();
        write("cookies = [\"cookie-a\"], listen = [\"0.0.0.0:6000\"]");
        ConfigReloader.Plan<ApConfig> plan = reloader.reload().orElseThrow();
        assertEquals(List.of("listen"), plan.needRestart());
        assertSame(before, running.get());
        assertEquals(List.of(true), counted);
        List<String> warnings = messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("listen") && warnings.get(0).contains("need a restart"),
                warnings::toString);
        assertTrue(messages(Level.INFO).get(0).contains("no reloadable key changed"), logged::toString);
    }
}
