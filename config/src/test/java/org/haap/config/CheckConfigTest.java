package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckConfig.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void goodFileExitsZero() throws IOException {
        String good = file("good.conf", "haap.aggregation-point { timeouts.header = 3s }\n");
        assertEquals(0, run(good));
        assertEquals(good + ": ok (aggregation-point)\n", out());
        assertEquals("", err());
    }

    @Test
    void exampleFileExitsZero() {
        assertEquals(0, run("examples/aggregation-point.conf"));
        assertEquals("examples/aggregation-point.conf: ok (aggregation-point)\n", out());
    }

    @Test
    void badFileExitsWithExConfigAndEveryError() throws IOException {
        String bad = file("bad.conf", "haap.aggregation-point {\n  timeouts.header = -1s\n  listen = [\"gw.example:5124\"]\n}\n");
        assertEquals(78, run(bad));
        assertEquals("", out());
        assertEquals(bad + ": haap.aggregation-point.listen: gw.example:5124 (expected: a literal IP address, not a host name)\n"
                + bad + ": haap.aggregation-point.timeouts.header: -1s (expected: > 0)\n", err());
    }

    @Test
    void unknownSectionIsAnError() throws IOException {
        String typo = file("typo.conf", "haap.agregation-point.backlog = 10\n");
        assertEquals(78, run(typo));
        assertEquals(typo + ": haap.agregation-point: unknown key (did you mean 'aggregation-point'?)\n", err());
    }

    @Test
    void fileWithoutHaapSectionIsAnError() throws IOException {
        String empty = file("empty.conf", "other.library.setting = 1\n");
        assertEquals(78, run(empty));
        assertEquals(empty + ": haap: no section (expected: one of haap.aggregation-point)\n", err());
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws IOException {
        String broken = file("broken.conf", "haap.aggregation-point {\n  backlog = 10\n  listen = [\n}\n");
        assertEquals(78, run(broken));
        assertTrue(err().startsWith(broken + ":4: "), err());
    }

    @Test
    void missingFileIsAConfigError() {
        String missing = dir.resolve("missing.conf").toString();
        assertEquals(78, run(missing));
        assertEquals(missing + ": file not found\n", err());
    }

    @Test
    void oneBadFileFailsTheRun() throws IOException {
        String good = file("good.conf", "haap.aggregation-point.backlog = 10\n");
        String bad = file("bad.conf", "haap.aggregation-point.backlog = 0\n");
        assertEquals(78, run(good, bad));
        assertEquals(good + ": ok (aggregation-point)\n", out());
        assertEquals(bad + ": haap.aggregation-point.backlog: 0 (expected: >= 1)\n", err());
    }

    @Test
    void helpAndUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: check-config FILE..."), out());
        assertEquals(CheckConfig.USAGE_EXIT_CODE, run());
        assertTrue(err().startsWith("usage: check-config FILE..."), err());
    }
}
