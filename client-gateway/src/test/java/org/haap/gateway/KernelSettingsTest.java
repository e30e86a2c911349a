package org.haap.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.haap.config.PathManagerMode;
import org.haap.config.SysctlSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSettingsTest {

    @TempDir
    Path dir;

    private final List<KernelSettings.Setting> required = KernelSettings.required(
            new SysctlSettings(true, Duration.ZERO, 255, 8, 8), PathManagerMode.KERNEL);

    @Test
    void checkOnlyRefusesNamingSysctlExpectedAndActual() throws Exception {
        write("enabled", "1");
        write("blackhole_timeout", "3600");
        write("syn_retrans_before_tcp_fallback", "255");
        write("path_manager", "kernel");
        KernelSettings.MismatchException e = assertThrows(KernelSettings.MismatchException.class,
                () -> new KernelSettings(dir).enforce(required, false));
        assertTrue(e.getMessage().contains(
                "net.mptcp.blackhole_timeout is 3600, expected 0 (haap.gateway.sysctl.blackhole-timeout)"),
                e.getMessage());
        assertEquals("3600", read("blackhole_timeout"), "check-only must not write");
    }

    @Test
    void manageWritesOnlyWhatDiffersAndSkipsMissingSysctls() throws Exception {
        write("enabled", "1");
        write("blackhole_timeout", "3600");
        write("syn_retrans_before_tcp_fallback", "2");
        new KernelSettings(dir).enforce(required, true);
        assertEquals("0", read("blackhole_timeout"));
        assertEquals("255", read("syn_retrans_before_tcp_fallback"));
        assertTrue(Files.notExists(dir.resolve("path_manager")));
    }

    @Test
    void matchingValuesPass() throws Exception {
        write("enabled", "1");
        write("blackhole_timeout", "0");
        write("syn_retrans_before_tcp_fallback", "255");
        write("path_manager", "kernel");
        new KernelSettings(dir).enforce(required, false);
        assertEquals("0", read("blackhole_timeout"));
    }

    private void write(String name, String value) throws Exception {
        Files.writeString(dir.resolve(name), value + "\n");
    }

    private String read(String name) throws Exception {
        return Files.readString(dir.resolve(name)).trim();
    }

    @Test
    void theUserspaceModeAsksForTheUserspacePathManager() throws Exception {
        List<KernelSettings.Setting> userspace = KernelSettings.required(
                new SysctlSettings(true, Duration.ZERO, 255, 8, 8), PathManagerMode.USERSPACE);
        write("enabled", "1");
        write("blackhole_timeout", "0");
        write("syn_retrans_before_tcp_fallback", "255");
        write("path_manager", "kernel");
        new KernelSettings(dir).enforce(userspace, true);
        assertEquals("userspace", Files.readString(dir.resolve("path_manager")).trim());
    }
}
