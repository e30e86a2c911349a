package org.haap.deploy.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Builds the self-contained tarball and the Debian packages with
 * {@code package/build-package.sh --deb --lintian} from the jars the {@code package} phase
 * laid out in {@code target/lib} (about 2 minutes: jdeps, jlink, the CDS training run, gzip,
 * dpkg-deb, lintian; hence a failsafe test), unpacks the tarball into a temporary directory
 * and runs what an operator runs, and reads the packages' contents and control files.
 * Needs a JDK with jlink/jdeps, tar, dpkg-deb, lintian and systemd-analyze: missing ones fail
 * the test with {@code CI=true} and skip it otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageIT {

    private Path work;
    private Path tarball;
    private Path home;
    private String buildLog;
    /** The Debian packages by name: haap-runtime, haap-aggregation-point, haap-gateway. */
    private final Map<String, Path> debs = new HashMap<>();

    @BeforeAll
    void buildAndUnpack() throws Exception {
        Run.requireCommands("jlink", "jdeps", "tar", "gzip", "bash", "dpkg-deb", "lintian", "readelf", "strip");
        work = Files.createTempDirectory("haapt-pkg-");
        Path out = Files.createDirectories(work.resolve("out"));
        Run.Result build = Run.run(List.of("bash", "package/build-package.sh", "--deb", "--lintian",
                "--lib", "target/lib", "--out", out.toString()), Path.of(""), null, 900);
        assertEquals(0, build.exitCode(), build::toString);
        buildLog = build.stderr();
        List<String> artefacts = build.stdout().lines().toList();
        assertEquals(4, artefacts.size(), "the tarball and three packages: " + artefacts);
        tarball = Path.of(artefacts.get(0));
        for (String deb : artefacts.subList(1, 4)) {
            debs.put(Path.of(deb).getFileName().toString().split("_")[0], Path.of(deb));
        }
        assertTrue(tarball.getFileName().toString().matches("haap-.+-linux-x86_64\\.tar\\.gz"), tarball::toString);
        assertTrue(build.stderr().contains(Files.size(tarball) + " bytes"), "prints the size: " + build.stderr());
        home = Run.unpack(tarball, work.resolve("unpacked"));
    }

    @AfterAll
    void removeWork() throws IOException {
        Run.deleteTree(work);
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
        long runtimeBytes = Run.du(home.resolve("runtime"));
        assertTrue(runtimeBytes <= 60L << 20, "runtime " + runtimeBytes + " bytes, over 60 MiB");
        assertTrue(buildLog.contains("runtime/ " + runtimeBytes + " bytes"), "prints the runtime's size: " + buildLog);
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

    @Test
    void debianPackagesPutTheirFilesInDebianPlaces() throws Exception {
        assertEquals(Set.of("haap-runtime", "haap-aggregation-point", "haap-gateway"), debs.keySet());
        assertTrue(debs.get("haap-runtime").toString().endsWith("_amd64.deb"), debs::toString);
        assertTrue(debs.get("haap-gateway").toString().endsWith("_all.deb"), "no machine code: " + debs);
        String version = field("haap-runtime", "Version");
        assertEquals("amd64", field("haap-runtime", "Architecture"));
        assertTrue(field("haap-runtime", "Depends").matches("libc6 \\(>= 2\\.\\d+\\), libgcc-s1, libstdc\\+\\+6, zlib1g"),
                field("haap-runtime", "Depends"));
        for (String role : List.of("haap-aggregation-point", "haap-gateway")) {
            assertEquals("all", field(role, "Architecture"));
            assertEquals("haap-runtime (= " + version + "), adduser", field(role, "Depends"));
        }
        assertContains("haap-runtime", "./usr/lib/haap/runtime/bin/java", "./usr/lib/haap/lib/haap.jsa",
                "./usr/lib/haap/jvm/gateway.options", "./usr/lib/haap/bin/haap-gateway", "./usr/lib/haap/bin/haap-ap",
                "./usr/bin/haap-check-config -> ../lib/haap/bin/haap-check-config",
                "./usr/share/doc/haap-runtime/copyright", "./usr/share/doc/haap-runtime/changelog.gz",
                "./usr/share/man/man1/haap-check-config.1.gz");
        assertContains("haap-aggregation-point", "./lib/systemd/system/haap-ap.service",
                "./usr/lib/sysctl.d/90-haap-aggregation-point.conf", "./usr/sbin/haap-ap -> ../lib/haap/bin/haap-ap",
                "./usr/share/doc/haap-aggregation-point/examples/aggregation-point.conf",
                "./usr/share/man/man8/haap-ap.8.gz");
        assertContains("haap-gateway", "./lib/systemd/system/haap-gateway.service",
                "./usr/lib/sysctl.d/90-haap-gateway.conf", "./usr/sbin/haap-gateway -> ../lib/haap/bin/haap-gateway",
                "./etc/haap/haap-gateway.nft", "./etc/haap/haap-tproxy-routes.ipv4",
                "./etc/haap/haap-tproxy-routes.ipv6", "./usr/share/doc/haap-gateway/examples/gateway.conf",
                "./usr/share/man/man8/haap-gateway.8.gz");
        for (String pkg : debs.keySet()) {
            assertTrue(contents(pkg).stream().noneMatch(f -> f.startsWith("./opt")), pkg + " ships /opt");
        }
        // the operator edits the rules and routing; the configuration itself is not shipped
        // (an example config would run with the example's cookie)
        assertEquals(List.of("/etc/haap/haap-gateway.nft", "/etc/haap/haap-tproxy-routes.ipv4",
                "/etc/haap/haap-tproxy-routes.ipv6"), control("haap-gateway", "conffiles").lines().toList());
        assertFalse(Files.exists(controlDir("haap-aggregation-point").resolve("conffiles")));
    }

    @Test
    void debianFilesAreTheRepositorysAndTheUnitsRunThePackagedLaunchers() throws Exception {
        Map<String, String> same = Map.of(
                "haap-aggregation-point:usr/lib/sysctl.d/90-haap-aggregation-point.conf",
                "sysctl/90-haap-aggregation-point.conf",
                "haap-gateway:usr/lib/sysctl.d/90-haap-gateway.conf", "sysctl/90-haap-gateway.conf",
                "haap-gateway:etc/haap/haap-gateway.nft", "nftables/haap-gateway.nft",
                "haap-gateway:etc/haap/haap-tproxy-routes.ipv4", "nftables/haap-tproxy-routes.ipv4",
                "haap-gateway:etc/haap/haap-tproxy-routes.ipv6", "nftables/haap-tproxy-routes.ipv6",
                "haap-runtime:usr/lib/haap/jvm/aggregation-point.options", "jvm/aggregation-point.options");
        for (Map.Entry<String, String> e : same.entrySet()) {
            String[] pkgFile = e.getKey().split(":");
            assertArrayEquals(Files.readAllBytes(Path.of(e.getValue())),
                    Files.readAllBytes(extracted(pkgFile[0]).resolve(pkgFile[1])), e.getKey());
        }
        // the unit's settings are the repository unit's, with the packaged launcher and the system user
        Map<String, String> units = Map.of("haap-aggregation-point", "haap-ap", "haap-gateway", "haap-gateway");
        for (Map.Entry<String, String> e : units.entrySet()) {
            String unit = e.getValue() + ".service";
            List<String> expected = new ArrayList<>(settings(Files.readString(Path.of("systemd", unit))
                    .replace("ExecStart=/opt/haap/bin/", "ExecStart=/usr/sbin/")
                    .replace("file:/opt/haap/doc/", "file:/usr/share/doc/haap-runtime/")));
            expected.add(expected.indexOf("DynamicUser=yes") + 1, "User=_haap");
            expected.add(expected.indexOf("User=_haap") + 1, "Group=_haap");
            String packaged = Files.readString(extracted(e.getKey()).resolve("lib/systemd/system").resolve(unit));
            assertEquals(expected, settings(packaged), unit);
            assertFalse(packaged.contains("/opt/haap"), unit);
            assertTrue(packaged.contains("ExecStart=/usr/sbin/" + e.getValue() + " --config %d/haap.conf"), unit);
        }
    }

    @Test
    void packagedUnitsVerify() throws Exception {
        // systemd-analyze verify checks that ExecStart= is executable: pointed at the extracted launchers
        Run.requireCommands("systemd-analyze");
        Path dir = Files.createDirectories(work.resolve("deb-units"));
        Path bin = extracted("haap-runtime").resolve("usr/lib/haap/bin");
        List<Path> copies = new ArrayList<>();
        for (Map.Entry<String, String> e : Map.of("haap-aggregation-point", "haap-ap", "haap-gateway", "haap-gateway")
                .entrySet()) {
            Path unit = extracted(e.getKey()).resolve("lib/systemd/system/" + e.getValue() + ".service");
            String text = Files.readString(unit);
            String launcher = "ExecStart=/usr/sbin/" + e.getValue() + " ";
            assertTrue(text.contains(launcher), unit::toString);
            Path copy = dir.resolve(unit.getFileName());
            Files.writeString(copy, text.replace(launcher, "ExecStart=" + bin.resolve(e.getValue()) + " "));
            copies.add(copy);
        }
        Run.Result r = SystemdUnitsTest.verify(copies);
        assertEquals(0, r.exitCode(), r::toString);
        SystemdUnitsTest.assertNoWarnings(r);
    }

    @Test
    void maintainerScriptsEnableAndStartNothing() throws Exception {
        for (String role : List.of("haap-aggregation-point", "haap-gateway")) {
            for (String script : List.of("postinst", "prerm", "postrm")) {
                String text = control(role, script);
                for (String line : text.lines().filter(l -> !l.strip().startsWith("#")).toList()) {
                    assertFalse(line.matches(".*\\b(systemctl|deb-systemd-helper|deb-systemd-invoke)\\b.*"
                            + "\\b(enable|start)\\b.*"), role + " " + script + ": " + line);
                }
                assertFalse(text.contains("deluser"), "the system user stays on purge (Debian policy): " + script);
            }
            assertTrue(control(role, "postinst").contains("adduser --system --group"), role);
        }
    }

    @Test
    void lintianReportsNoErrors() {
        assertTrue(buildLog.contains("debs: lintian: no errors"), buildLog);
        assertFalse(buildLog.contains("debs: lintian: E:"), buildLog);
    }

    private String field(String pkg, String name) throws Exception {
        Run.Result r = Run.run(List.of("dpkg-deb", "-f", debs.get(pkg).toString(), name), work, null, 60);
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout().strip();
    }

    private List<String> contents(String pkg) throws Exception {
        Run.Result r = Run.run(List.of("dpkg-deb", "-c", debs.get(pkg).toString()), work, null, 60);
        assertEquals(0, r.exitCode(), r::toString);
        // "drwxr-xr-x root/root 0 2026-01-01 00:00 ./usr/" : the path (and link target) from field 6
        return r.stdout().lines().map(l -> l.split("\\s+", 6)[5]).toList();
    }

    private void assertContains(String pkg, String... paths) throws Exception {
        List<String> files = contents(pkg);
        for (String path : paths) {
            assertTrue(files.contains(path), pkg + " lacks " + path + ": " + files);
        }
    }

    private Path extracted(String pkg) throws Exception {
        Path dir = work.resolve("deb-data").resolve(pkg);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Run.Result r = Run.run(List.of("dpkg-deb", "-x", debs.get(pkg).toString(), dir.toString()), work, null, 120);
            assertEquals(0, r.exitCode(), r::toString);
        }
        return dir;
    }

    private Path controlDir(String pkg) throws Exception {
        Path dir = work.resolve("deb-control").resolve(pkg);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            Run.Result r = Run.run(List.of("dpkg-deb", "-e", debs.get(pkg).toString(), dir.toString()), work, null, 60);
            assertEquals(0, r.exitCode(), r::toString);
        }
        return dir;
    }

    private String control(String pkg, String file) throws Exception {
        return Files.readString(controlDir(pkg).resolve(file));
    }

    /** A unit's setting lines: no comments, no blank lines. */
    private static List<String> settings(String unit) {
        return unit.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
}
