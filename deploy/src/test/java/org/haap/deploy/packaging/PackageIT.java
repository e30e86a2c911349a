package org.haap.deploy.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Builds the self-contained tarball with {@code package/build-package.sh} from the jars the
 * {@code package} phase laid out in {@code target/lib} (about 30 s: jdeps, jlink, the CDS
 * training run, gzip; hence a failsafe test), unpacks it into a temporary directory and runs
 * what an operator runs. Needs a JDK with jlink/jdeps, tar and systemd-analyze: missing ones
 * fail the test with {@code CI=true} and skip it otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageIT {

    private Path work;
    private Path tarball;
    private Path home;

    @BeforeAll
    void buildAndUnpack() throws Exception {
        Run.requireCommands("jlink", "jdeps", "tar", "gzip", "bash");
        work = Files.createTempDirectory("haapt-pkg-");
        Path out = Files.createDirectories(work.resolve("out"));
        Run.Result build = Run.run(List.of("bash", "package/build-package.sh", "--lib", "target/lib",
                "--out", out.toString()), Path.of(""), null, 600);
        assertEquals(0, build.exitCode(), build::toString);
        tarball = Path.of(build.stdout().strip());
        assertTrue(tarball.getFileName().toString().matches("haap-.+-linux-x86_64\\.tar\\.gz"), tarball::toString);
        assertTrue(build.stderr().contains(Files.size(tarball) + " bytes"), "prints the size: " + build.stderr());
        Path unpacked = Files.createDirectories(work.resolve("unpacked"));
        Run.Result tar = Run.run(List.of("tar", "-xzf", tarball.toString()), unpacked, null, 120);
        assertEquals(0, tar.exitCode(), tar::toString);
        try (Stream<Path> top = Files.list(unpacked)) {
            List<Path> dirs = top.toList();
            assertEquals(1, dirs.size(), "one top directory: " + dirs);
            home = dirs.get(0);
        }
    }

    @AfterAll
    void removeWork() throws IOException {
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void launchersPrintUsageWithNoJavaOnThePath() throws Exception {
        // a PATH and a JAVA_HOME whose java would fail loudly: the launchers must use neither
        Path decoyBin = Files.createDirectories(work.resolve("decoy/bin"));
        Path marker = work.resolve("decoy/used");
        Path decoy = decoyBin.resolve("java");
        Files.writeString(decoy, "#!/bin/sh\necho decoy > '" + marker + "'\nexit 97\n");
        Files.setPosixFilePermissions(decoy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", decoyBin.toString(), "JAVA_HOME", decoyBin.getParent().toString());
        Map<String, String> usage = Map.of("haap-ap", "Usage: haap ap --config FILE",
                "haap-gateway", "Usage: haap gateway --config FILE");
        for (Map.Entry<String, String> e : usage.entrySet()) {
            Run.Result r = Run.run(List.of(home.resolve("bin").resolve(e.getKey()).toString(), "--help"), work, env, 60);
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().contains(e.getValue()), r::toString);
            assertTrue(r.stdout().contains("-c, --config FILE"), r::toString);
            assertFalse(Files.exists(marker), "the launcher ran the java on the PATH or in JAVA_HOME");
        }
    }

    @Test
    void classDataSharingArchiveIsUsedWhereverThePackageIsUnpacked() throws Exception {
        // unpacked elsewhere than where the archive was made: the launcher's relative class path
        // keeps it valid, so application classes come from the archive, the gateway's too
        // (never started by the training run, archived from its jar), whatever its collector
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HAAP_JAVA_OPTS", "-Xlog:class+load=info");
        Run.Result r = Run.run(List.of(home.resolve("bin/haap-ap").toString(), "--help"), work, env, 60);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("org.haap.ap.Main source: shared objects file"), r::toString);
        assertTrue(r.stdout().contains("java.lang.Object source: shared objects file"), "JDK classes: " + r);
        Run.Result gw = Run.run(List.of(home.resolve("bin/haap-gateway").toString(), "--help"), work, env, 60);
        assertEquals(0, gw.exitCode(), gw::toString);
        assertTrue(gw.stdout().contains("org.haap.gateway.Main source: shared objects file"), gw::toString);

        Map<String, String> off = new HashMap<>(env);
        off.put("HAAP_CDS", "off");
        Run.Result without = Run.run(List.of(home.resolve("bin/haap-ap").toString(), "--help"), work, off, 60);
        assertEquals(0, without.exitCode(), without::toString);
        assertTrue(without.stdout().contains("org.haap.ap.Main source: file:"), without::toString);
    }

    @Test
    void launchersApplyTheRoleDefaultsWhichHaapJavaOptsOverride() throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("PATH", "/usr/bin:/bin",
                "HAAP_JAVA_OPTS", "-XX:+PrintFlagsFinal"));
        Run.Result gw = Run.run(List.of(home.resolve("bin/haap-gateway").toString(), "--help"), work, flags, 60);
        assertEquals(0, gw.exitCode(), gw::toString);
        assertTrue(gw.stdout().matches("(?s).*\\bUseSerialGC\\s+= true\\b.*"), gw::toString);
        assertTrue(gw.stdout().matches("(?s).*\\bMaxHeapSize\\s+= " + (96L << 20) + "\\b.*"), gw::toString);
        Run.Result ap = Run.run(List.of(home.resolve("bin/haap-ap").toString(), "--help"), work, flags, 60);
        assertEquals(0, ap.exitCode(), ap::toString);
        assertTrue(ap.stdout().matches("(?s).*\\bUseG1GC\\s+= true\\b.*"), ap::toString);
        assertTrue(ap.stdout().matches("(?s).*\\bG1PeriodicGCInterval\\s+= 60000\\b.*"), ap::toString);

        // a flag in HAAP_JAVA_OPTS comes after the defaults and wins
        flags.put("HAAP_JAVA_OPTS", "-XX:+PrintFlagsFinal -Xmx200m");
        Run.Result bigger = Run.run(List.of(home.resolve("bin/haap-gateway").toString(), "--help"), work, flags, 60);
        assertEquals(0, bigger.exitCode(), bigger::toString);
        assertTrue(bigger.stdout().matches("(?s).*\\bMaxHeapSize\\s+= " + (200L << 20) + "\\b.*"), bigger::toString);
        // HAAP_JVM_DEFAULTS=off: no defaults, so another collector can be chosen
        flags.put("HAAP_JAVA_OPTS", "-XX:+PrintFlagsFinal -XX:+UseParallelGC");
        flags.put("HAAP_JVM_DEFAULTS", "off");
        Run.Result off = Run.run(List.of(home.resolve("bin/haap-gateway").toString(), "--help"), work, flags, 60);
        assertEquals(0, off.exitCode(), off::toString);
        assertTrue(off.stdout().matches("(?s).*\\bUseParallelGC\\s+= true\\b.*"), off::toString);
        assertTrue(off.stdout().matches("(?s).*\\bUseSerialGC\\s+= false\\b.*"), off::toString);
        assertTrue(off.stdout().contains("Usage: haap gateway --config FILE"), off::toString);
    }

    @Test
    void relativeConfigPathIsResolvedFromTheCallersDirectory() throws Exception {
        // the launcher runs the JVM in the package directory; --config bad.conf must still be
        // the caller's file: its unknown key is reported with exit 78
        Path cwd = Files.createDirectories(work.resolve("caller"));
        Files.writeString(cwd.resolve("bad.conf"), "haap.aggregation-point.timeout = 5s\n");
        Run.Result r = Run.run(List.of(home.resolve("bin/haap-ap").toString(), "--config", "bad.conf"), cwd,
                Map.of("PATH", "/usr/bin:/bin"), 60);
        assertEquals(78, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("haap.aggregation-point.timeout: unknown key"), r::toString);
    }

    @Test
    void runtimeHoldsOnlyTheModulesHaapNeedsWithoutHeadersOrManPages() throws Exception {
        Run.Result r = Run.run(List.of(home.resolve("runtime/bin/java").toString(), "--list-modules"), work,
                Map.of(), 60);
        assertEquals(0, r.exitCode(), r::toString);
        Set<String> modules = r.stdout().lines().map(l -> l.split("@")[0].strip()).collect(Collectors.toSet());
        assertTrue(modules.containsAll(Set.of("java.base", "java.logging", "java.management",
                "jdk.unsupported", "jdk.management", "jdk.jfr")), modules::toString);
        for (String absent : List.of("java.desktop", "java.sql", "java.naming", "jdk.compiler", "jdk.jshell",
                "jdk.httpserver")) {
            assertFalse(modules.contains(absent), absent + " in " + modules);
        }
        assertFalse(Files.exists(home.resolve("runtime/include")), "--no-header-files");
        assertFalse(Files.exists(home.resolve("runtime/man")), "--no-man-pages");
        assertTrue(Files.isRegularFile(home.resolve("runtime/lib/server/classes.jsa")), "base CDS archive");
        assertTrue(Files.size(home.resolve("lib/haap.jsa")) > 1_000_000, "application CDS archive");
    }

    @Test
    void operatorFilesAreTheOnesTheTestbedAndTheRepositoryUse() throws Exception {
        Map<String, String> files = Map.of(
                "config/examples/aggregation-point.conf", "../config/examples/aggregation-point.conf",
                "config/examples/gateway.conf", "../config/examples/gateway.conf",
                "config/reference.conf", "../config/src/main/resources/reference.conf",
                "nftables/haap-gateway.nft", "nftables/haap-gateway.nft",
                "nftables/haap-tproxy-routes.ipv4", "nftables/haap-tproxy-routes.ipv4",
                "nftables/haap-tproxy-routes.ipv6", "nftables/haap-tproxy-routes.ipv6",
                "sysctl/90-haap-gateway.conf", "sysctl/90-haap-gateway.conf",
                "sysctl/90-haap-aggregation-point.conf", "sysctl/90-haap-aggregation-point.conf",
                "systemd/haap-ap.service", "systemd/haap-ap.service",
                "systemd/haap-gateway.service", "systemd/haap-gateway.service");
        for (Map.Entry<String, String> e : files.entrySet()) {
            assertArrayEquals(Files.readAllBytes(Path.of(e.getValue())), Files.readAllBytes(home.resolve(e.getKey())),
                    e.getKey());
        }
        for (String role : List.of("gateway.options", "aggregation-point.options")) {
            assertArrayEquals(Files.readAllBytes(JvmOptionsTest.JVM_DIR.resolve(role)),
                    Files.readAllBytes(home.resolve("jvm").resolve(role)), role);
        }
        for (String launcher : List.of("bin/haap-ap", "bin/haap-gateway")) {
            assertTrue(Files.isExecutable(home.resolve(launcher)), launcher);
            assertTrue(Files.readString(home.resolve(launcher)).startsWith("#!/bin/sh\n"), launcher + " is POSIX sh");
        }
    }

    @Test
    void shippedUnitsVerifyAgainstTheUnpackedPackage() throws Exception {
        Run.requireCommands("systemd-analyze");
        List<Path> copies = SystemdUnitsTest.rewrittenCopies(home.resolve("systemd"), work.resolve("units"), home);
        Run.Result r = SystemdUnitsTest.verify(copies);
        assertEquals(0, r.exitCode(), r::toString);
        SystemdUnitsTest.assertNoWarnings(r);
    }
}
