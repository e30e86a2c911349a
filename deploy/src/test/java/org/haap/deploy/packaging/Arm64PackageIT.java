package org.haap.deploy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Builds the arm64 tarball ({@code build-package.sh --arch arm64 --no-cds}: Debian's arm64
 * jmods linked by this machine's jlink; the training run under qemu is left out to keep CI
 * short, {@code ./haap package} makes it) and runs it under qemu-user: the launchers, and
 * {@link NativeProbe} loading the aarch64 epoll and jffi libraries. qemu is registered for the
 * test's processes only: binfmt_misc mounted in a user namespace of their own (Linux 6.7+),
 * the host's registrations untouched. The first run downloads Debian's arm64 JDK (about
 * 75 MB) into {@code target/cross}. Missing tools fail the test with {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Arm64PackageIT {

    /** Debian's qemu-user-static registration of qemu-aarch64 (systemd-binfmt format). */
    private static final Path BINFMT_CONF = Path.of("/usr/lib/binfmt.d/qemu-aarch64.conf");
    /** The arm64 root fetch-debian-jdk.sh unpacks: the jmods, and the sysroot qemu runs with. */
    private static final Path CROSS_ROOT = Path.of("target/cross/arm64/root").toAbsolutePath();
    private static final long MIB = 1 << 20;

    private Path work;
    private Path home;

    @BeforeAll
    void buildAndUnpack() throws Exception {
        Run.requireCommands("jlink", "jdeps", "tar", "gzip", "bash", "apt-get", "dpkg-deb", "unshare",
                "qemu-aarch64-static", "aarch64-linux-gnu-objcopy", "aarch64-linux-gnu-strip");
        work = Files.createTempDirectory("haapt-pkg-arm64-");
        Path out = Files.createDirectories(work.resolve("out"));
        Run.Result build = Run.run(List.of("bash", "package/build-package.sh", "--arch", "arm64", "--no-cds",
                "--lib", "target/lib", "--out", out.toString()), Path.of(""), null, 900);
        assertEquals(0, build.exitCode(), build::toString);
        Path tarball = Path.of(build.stdout().strip());
        assertTrue(tarball.getFileName().toString().matches("haap-.+-linux-aarch64\\.tar\\.gz"), tarball::toString);
        home = Run.unpack(tarball, work.resolve("unpacked"));
    }

    @AfterAll
    void removeWork() throws IOException {
        Run.deleteTree(work);
    }

    @Test
    void runtimeAndNativeLibrariesAreAarch64AndTheRuntimeIsSmall() throws Exception {
        assertEquals(0xb7, elfMachine(home.resolve("runtime/bin/java")), "runtime/bin/java is aarch64");
        assertEquals(0xb7, elfMachine(home.resolve("runtime/lib/server/libjvm.so")), "libjvm.so is aarch64");
        List<String> jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).toList();
        }
        assertTrue(jars.stream().anyMatch(j -> j.matches("netty-transport-native-epoll-.+-linux-aarch_64\\.jar")),
                jars::toString);
        assertFalse(jars.stream().anyMatch(j -> j.contains("linux-x86_64")), jars::toString);
        Path jffi = home.resolve("lib").resolve(jars.stream().filter(j -> j.matches("jffi-.+-native\\.jar"))
                .findFirst().orElseThrow());
        try (ZipFile zip = new ZipFile(jffi.toFile())) {
            assertTrue(zip.getEntry("jni/aarch64-Linux/libjffi-1.2.so") != null, "jffi's aarch64 library");
        }
        long runtimeBytes = Run.du(home.resolve("runtime"));
        assertTrue(runtimeBytes <= 60 * MIB, "runtime " + runtimeBytes + " bytes, over 60 MiB");
    }

    @Test
    void launchersRunUnderQemu() throws Exception {
        Run.Result help = underQemu(List.of(home.resolve("bin/haap-gateway").toString(), "--help"),
                "-XshowSettings:properties");
        assertEquals(0, help.exitCode(), help::toString);
        assertTrue(help.stdout().contains("Usage: haap gateway --config FILE"), help::toString);
        assertTrue(help.stderr().contains("os.arch = aarch64"), "an arm64 JVM ran: " + help);

        // one relative and one absolute file: the launcher runs the JVM in the package directory
        Run.Result check = underQemu(List.of(home.resolve("bin/haap-check-config").toString(),
                "config/examples/gateway.conf", home.resolve("config/examples/aggregation-point.conf").toString()), "");
        assertEquals(0, check.exitCode(), check::toString);
        assertTrue(check.stdout().contains("config/examples/gateway.conf: ok (gateway)"), check::toString);
        assertTrue(check.stdout().contains("aggregation-point.conf: ok (aggregation-point)"), check::toString);

        Path bad = work.resolve("bad.conf");
        Files.writeString(bad, "haap.gateway.no-such-key = 1\n");
        Run.Result invalid = underQemu(List.of(home.resolve("bin/haap-check-config").toString(), bad.toString()), "");
        assertEquals(78, invalid.exitCode(), invalid::toString);
    }

    @Test
    void epollAndJffiNativeLibrariesLoadInTheArm64Runtime() throws Exception {
        String classPath = home.resolve("lib") + "/*:" + Path.of("target/test-classes").toAbsolutePath();
        Run.Result probe = underQemu(List.of(home.resolve("runtime/bin/java").toString(), "-cp", classPath,
                NativeProbe.class.getName()), "");
        assertEquals(0, probe.exitCode(), probe::toString);
        assertTrue(probe.stdout().contains("os.arch=aarch64"), probe::toString);
        assertTrue(probe.stdout().contains("epoll=available"), probe::toString);
        assertTrue(probe.stdout().contains("jnr.cpu=aarch64"), probe::toString);
    }

    /**
     * Runs {@code command} (an arm64 program, or a script that execs one) with qemu-aarch64
     * registered in binfmt_misc for it alone: a user and mount namespace of its own, where
     * binfmt_misc is a fresh instance. {@code QEMU_LD_PREFIX} points qemu at the arm64 libc.
     */
    private Run.Result underQemu(List<String> command, String javaOpts) throws Exception {
        String registration = Files.readAllLines(BINFMT_CONF).stream()
                .filter(l -> l.startsWith(":qemu-aarch64:")).findFirst().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "--fork",
                "sh", "-c", "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc"
                        + " && printf '%s' \"$HAAP_BINFMT\" > /proc/sys/fs/binfmt_misc/register && exec \"$@\"",
                "sh"));
        cmd.addAll(command);
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
                "QEMU_LD_PREFIX", CROSS_ROOT.toString(), "HAAP_BINFMT", registration));
        if (!javaOpts.isEmpty()) {
            env.put("HAAP_JAVA_OPTS", javaOpts);
        }
        return Run.run(cmd, home, env, 300);
    }

    private static int elfMachine(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(20);
        }
        assertTrue(head.length == 20 && head[0] == 0x7f && head[1] == 'E', file + " is not ELF");
        return (head[18] & 0xff) | (head[19] & 0xff) << 8;
    }
}
