package org.haap.deploy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped JVM options per role ({@code deploy/jvm/ROLE.options}, java {@code @argument}
 * files): the JDK that runs the tests accepts them and applies them (read back with
 * {@code -XX:+PrintFlagsFinal}), a flag after them wins, each is documented in
 * docs/packaging.md, and both launch paths ({@code ./haap} and the package's launcher
 * template) read these files rather than a copy of their content.
 */
class JvmOptionsTest {

    static final Path JVM_DIR = Path.of("jvm");
    private static final Pattern FLAG = Pattern.compile(
            "^[ \\t]*\\S+[ \\t]+(\\w+)[ \\t]+=[ \\t]+(\\S+)[ \\t]+\\{", Pattern.MULTILINE);

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "aggregation-point"})
    void theJdkAcceptsTheFileAndAFlagAfterItWins(String role) throws Exception {
        Path file = JVM_DIR.resolve(role + ".options").toAbsolutePath();
        Map<String, String> flags = flags(List.of("@" + file));
        assertEquals("true", flags.get("ExitOnOutOfMemoryError"), role);
        long maxHeap = Long.parseLong(flags.get("MaxHeapSize"));
        long maxDirect = Long.parseLong(flags.get("MaxDirectMemorySize"));
        assertTrue(maxHeap <= 1L << 30, role + " heap bounded: " + maxHeap);
        assertTrue(maxDirect > 0 && maxDirect <= 512L << 20, role + " direct memory bounded: " + maxDirect);

        Map<String, String> overridden = flags(List.of("@" + file, "-Xmx200m", "-XX:MaxDirectMemorySize=7m"));
        assertEquals(String.valueOf(200L << 20), overridden.get("MaxHeapSize"), "HAAP_JAVA_OPTS comes after");
        assertEquals(String.valueOf(7L << 20), overridden.get("MaxDirectMemorySize"));
    }

    @Test
    void eachRoleGetsItsCollectorAndLimits() throws Exception {
        Map<String, String> gw = flags(List.of("@" + JVM_DIR.resolve("gateway.options").toAbsolutePath()));
        assertEquals("true", gw.get("UseSerialGC"));
        assertEquals("false", gw.get("UseG1GC"));
        assertEquals(String.valueOf(96L << 20), gw.get("MaxHeapSize"));
        assertEquals(String.valueOf(64L << 20), gw.get("MaxMetaspaceSize"));
        assertEquals("256", gw.get("ThreadStackSize"), "KiB");
        assertEquals("1", gw.get("TieredStopAtLevel"), "C1 only on the router");
        assertEquals("1", gw.get("CICompilerCount"));

        Map<String, String> ap = flags(List.of("@" + JVM_DIR.resolve("aggregation-point.options").toAbsolutePath()));
        assertEquals("true", ap.get("UseG1GC"));
        assertEquals("false", ap.get("UseSerialGC"));
        assertEquals("60000", ap.get("G1PeriodicGCInterval"), "memory given back after a burst");
        assertEquals("30", ap.get("MaxHeapFreeRatio"));

        // the negative control: without the file the JDK's own choices differ
        Map<String, String> none = flags(List.of());
        assertNotEquals(gw.get("MaxHeapSize"), none.get("MaxHeapSize"));
        assertEquals("0", none.get("G1PeriodicGCInterval"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "aggregation-point"})
    void everyOptionIsDocumented(String role) throws IOException {
        String doc = Files.readString(Path.of("../docs/packaging.md"));
        String section = doc.substring(doc.indexOf("## JVM settings per role"));
        for (String option : options(JVM_DIR.resolve(role + ".options"))) {
            assertTrue(section.contains("`" + option + "`"), option + " of " + role + " in docs/packaging.md");
        }
    }

    @Test
    void bothLaunchPathsReadTheseFiles() throws IOException {
        String haap = Files.readString(Path.of("../haap"));
        assertTrue(haap.contains("\"@$HAAP_HOME/deploy/jvm/$2.options\""), "./haap reads deploy/jvm/ROLE.options");
        assertTrue(haap.contains("--role gateway org.haap.gateway.Main"), "./haap gateway");
        assertTrue(haap.contains("--role aggregation-point org.haap.ap.Main"), "./haap ap");
        String launcher = Files.readString(Path.of("package/launcher.sh.in"));
        assertTrue(launcher.contains("set -- @jvm/@ROLE@.options \"$@\""), "the package's launcher");
        String build = Files.readString(Path.of("package/build-package.sh"));
        assertTrue(build.contains("cp -p \"$DEPLOY\"/jvm/*.options \"$stage/jvm/\""), "the package ships them");
        for (String unit : SystemdUnitsTest.UNIT_NAMES) {
            // the units run the launchers; JVM flags of their own would be a second copy
            String text = Files.readString(SystemdUnitsTest.UNITS.resolve(unit));
            for (String line : text.lines().filter(l -> !l.startsWith("#")).toList()) {
                assertTrue(!line.contains("-XX:") && !line.contains("-Xmx"), unit + ": " + line);
            }
        }
    }

    /** The options of an argument file: its non-comment words. */
    static List<String> options(Path file) throws IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                options.addAll(List.of(stripped.split("\\s+")));
            }
        }
        assertTrue(options.size() > 3, file + ": " + options);
        return options;
    }

    /** The final value of every -XX flag of this test's JDK started with {@code args}. */
    private static Map<String, String> flags(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Run.Result r = Run.run(command, Path.of(""), null, 60);
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, String> flags = new HashMap<>();
        Matcher m = FLAG.matcher(r.stdout());
        while (m.find()) {
            flags.put(m.group(1), m.group(2));
        }
        assertTrue(flags.containsKey("MaxHeapSize"), r::toString);
        return flags;
    }
}
