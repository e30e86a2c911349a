package org.haap.deploy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units in {@code deploy/systemd}: {@code systemd-analyze verify} accepts them
 * (run on a copy whose {@code /opt/haap} points at a directory with the launchers), and each
 * runs unprivileged with exactly the capabilities its application needs and the hardening
 * options. {@code PackageIT} verifies the copies inside the tarball against the real launchers.
 */
class SystemdUnitsTest {

    static final Path UNITS = Path.of("systemd");
    static final List<String> UNIT_NAMES = List.of("haap-ap.service", "haap-gateway.service");
    /** Where the units expect the package; rewritten for verification. */
    static final String INSTALL_DIR = "/opt/haap/";

    @TempDir
    Path tmp;

    @Test
    void systemdAnalyzeVerifyPassesOnBothUnits() throws Exception {
        Run.requireCommands("systemd-analyze");
        Path home = tmp.resolve("haap");
        Files.createDirectories(home.resolve("bin"));
        for (String launcher : List.of("haap-ap", "haap-gateway")) {
            Path file = home.resolve("bin").resolve(launcher);
            Files.writeString(file, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<Path> copies = rewrittenCopies(UNITS, tmp.resolve("units"), home);
        Run.Result r = verify(copies);
        assertEquals(0, r.exitCode(), r::toString);
        assertNoWarnings(r);
    }

    @Test
    void verifyRejectsAUnitWhoseLauncherIsMissing() throws Exception {
        Run.requireCommands("systemd-analyze");
        // the negative control: without the launchers the same copies fail, so the check above
        // really checks the ExecStart paths
        List<Path> copies = rewrittenCopies(UNITS, tmp.resolve("units"), tmp.resolve("absent"));
        Run.Result r = verify(copies);
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue((r.stdout() + r.stderr()).contains("not executable"), r::toString);
    }

    @Test
    void eachUnitRunsUnprivilegedWithOnlyTheCapabilitiesItNeeds() throws IOException {
        Map<String, List<String>> ap = service(UNITS.resolve("haap-ap.service"));
        Map<String, List<String>> gw = service(UNITS.resolve("haap-gateway.service"));
        assertEquals(Set.of("CAP_NET_BIND_SERVICE"), words(ap, "AmbientCapabilities"));
        assertEquals(Set.of("CAP_NET_BIND_SERVICE"), words(ap, "CapabilityBoundingSet"));
        assertEquals(Set.of("CAP_NET_ADMIN", "CAP_NET_RAW"), words(gw, "AmbientCapabilities"));
        assertEquals(Set.of("CAP_NET_ADMIN", "CAP_NET_RAW"), words(gw, "CapabilityBoundingSet"));
        for (Map<String, List<String>> unit : List.of(ap, gw)) {
            assertEquals(List.of("yes"), unit.get("DynamicUser"));
            assertFalse(unit.containsKey("User"), "DynamicUser allocates the user");
            for (String option : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                    "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID",
                    "RestrictRealtime", "RestrictNamespaces", "LockPersonality")) {
                assertEquals(List.of("yes"), unit.get(option), option);
            }
            assertEquals(List.of("strict"), unit.get("ProtectSystem"));
            assertEquals(List.of("native"), unit.get("SystemCallArchitectures"));
            assertEquals(Set.of("AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"), words(unit, "RestrictAddressFamilies"));
            assertTrue(unit.get("ExecStart").get(0).startsWith(INSTALL_DIR + "bin/"), "runs the package's launcher");
            assertTrue(unit.get("ExecStart").get(0).contains("--config %d/haap.conf"), "config from the credential");
        }
        // both re-read their --config on SIGHUP, but under these units that is the credential
        // copy, which systemd does not refresh while the service runs: no reload action
        assertFalse(ap.containsKey("ExecReload"), "a reload would re-read the unchanged credential copy");
        assertFalse(gw.containsKey("ExecReload"), "a reload would re-read the unchanged credential copy");
        // the only writable sysctls are the MPTCP ones the gateway manages
        assertEquals(List.of("/proc/sys/net/mptcp"), gw.get("ReadWritePaths"));
        assertFalse(ap.containsKey("ReadWritePaths"));
    }

    /** Copies of the units with {@value #INSTALL_DIR} replaced by {@code home}. */
    static List<Path> rewrittenCopies(Path unitDir, Path to, Path home) throws IOException {
        Files.createDirectories(to);
        List<Path> copies = new ArrayList<>();
        for (String name : UNIT_NAMES) {
            String text = Files.readString(unitDir.resolve(name));
            assertTrue(text.contains(INSTALL_DIR), name + " names " + INSTALL_DIR);
            Path copy = to.resolve(name);
            Files.writeString(copy, text.replace(INSTALL_DIR, home.toAbsolutePath() + "/"));
            copies.add(copy);
        }
        return copies;
    }

    static Run.Result verify(List<Path> units) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        units.forEach(u -> command.add(u.toAbsolutePath().toString()));
        return Run.run(command, units.get(0).getParent(), null, 60);
    }

    /** verify exits 0 on unknown keys and bad values too; it only prints them. */
    static void assertNoWarnings(Run.Result r) {
        for (String line : (r.stdout() + '\n' + r.stderr()).split("\n")) {
            assertFalse(line.contains("haap-"), "systemd-analyze complained: " + line);
        }
    }

    /** The [Service] section: key to values in file order. */
    private static Map<String, List<String>> service(Path unit) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(unit)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line;
                continue;
            }
            if (section.equals("[Service]")) {
                int eq = line.indexOf('=');
                keys.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return keys;
    }

    private static Set<String> words(Map<String, List<String>> unit, String key) {
        Set<String> words = new TreeSet<>();
        for (String value : unit.getOrDefault(key, List.of())) {
            words.addAll(List.of(value.split("\\s+")));
        }
        return words;
    }
}
