package org.haap.deploy.testbed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OldLogsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @TempDir
    Path dir;

    private Path file(String name, Duration age) throws Exception {
        Path f = Files.writeString(dir.resolve(name), "x");
        Files.setLastModifiedTime(f, FileTime.from(NOW.minus(age)));
        return f;
    }

    @Test
    void removesOnlyOldLogsOfOtherTestbeds() throws Exception {
        Path old = file("haapl-1a2b-ap-aggregation-point.log", Duration.ofHours(30));
        Path recent = file("haapl-3c4d-ap-aggregation-point.log", Duration.ofHours(2));
        Path mine = file("haapt-me-cpe-gateway.log", Duration.ofDays(5));
        Path state = file("haapl-1a2b-state.properties", Duration.ofDays(5));
        Path conf = file("haapl-1a2b-ap-splice.conf", Duration.ofDays(5));
        Files.createDirectory(dir.resolve("old-dir.log"));
        Files.setLastModifiedTime(dir.resolve("old-dir.log"), FileTime.from(NOW.minus(Duration.ofDays(5))));

        assertEquals(1, OldLogs.prune(dir, "haapt-me-", Duration.ofDays(1), NOW));

        assertFalse(Files.exists(old), "a day-old log of another testbed");
        assertTrue(Files.exists(recent), "a recent log stays, e.g. of a run that just failed");
        assertTrue(Files.exists(mine), "the current testbed's logs stay");
        assertTrue(Files.exists(state) && Files.exists(conf), "only *.log files");
        assertTrue(Files.isDirectory(dir.resolve("old-dir.log")), "only regular files");
    }

    @Test
    void aMissingDirectoryRemovesNothing() {
        assertEquals(0, OldLogs.prune(dir.resolve("none"), "haap-", Duration.ofDays(1), NOW));
    }
}
