package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void defaults() throws Exception {
        Arguments a = Arguments.parse("ap-relay");
        assertEquals("ap-relay", a.scenario());
        assertFalse(a.json());
        assertNull(a.outDir());
        assertEquals(Arguments.DEFAULT_SECONDS, a.seconds());
        assertEquals(Arguments.DEFAULT_REPEAT, a.repeat());
        assertFalse(a.help());
    }

    @Test
    void everyOptionInAnyOrder() throws Exception {
        Arguments a = Arguments.parse("--seconds", "2", "--json", "x", "--out", "/tmp/r", "--repeat", "7");
        assertEquals("x", a.scenario());
        assertTrue(a.json());
        assertEquals(Path.of("/tmp/r"), a.outDir());
        assertEquals(2, a.seconds());
        assertEquals(7, a.repeat());
    }

    @Test
    void scenarioOptions() throws Exception {
        Arguments a = Arguments.parse("robe-loss", "--connections", "3", "--points", "0, 100", "--runs", "2",
                "--modes", "classic,sim+pool");
        assertEquals(new ScenarioOptions(3, java.util.List.of(0, 100), 2, java.util.List.of("classic", "sim+pool")),
                a.options());
        assertEquals(ScenarioOptions.DEFAULTS, Arguments.parse("x").options());
        assertEquals(false, ScenarioOptions.DEFAULTS.serverFirst());
        assertEquals(true, Arguments.parse("robe-loss", "--server-first").options().serverFirst());
        assertEquals(50, ScenarioOptions.DEFAULTS.connectionsOr(50));
        assertEquals("--points: 0,101 (expected: distinct percentages 0..100, comma-separated)",
                assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--points", "0,101")).getMessage());
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--points", "a"));
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--modes", "sim,,classic"));
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--connections", "0"));
    }

    @Test
    void minutesOption() throws Exception {
        assertEquals(10, Arguments.parse("soak", "--minutes", "10").options().minutes());
        assertEquals(3, Arguments.parse("soak").options().minutesOr(3), "not given: the scenario's default");
        assertEquals("--minutes: 1441 (expected: an integer 1..1440)", assertThrows(Arguments.UsageException.class,
                () -> Arguments.parse("soak", "--minutes", "1441")).getMessage());
    }

    @Test
    void rateOption() throws Exception {
        assertEquals(100, Arguments.parse("pageload", "--rate", "100").options().rateMbit());
        assertEquals(0, Arguments.parse("pageload").options().rateMbit(), "not given: the profile's rates");
        assertEquals("--rate: 0 (expected: an integer 1..10000)",
                assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--rate", "0")).getMessage());
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--rate", "2.5"));
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--rate", "10001"));
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--rate"));
    }

    @Test
    void faultsOption() throws Exception {
        Arguments a = Arguments.parse("failover", "--faults", "link-down, blackhole", "--modes", "kernel");
        assertEquals(java.util.List.of("link-down", "blackhole"), a.options().faults());
        assertEquals(java.util.List.of("kernel"), a.options().modes());
        assertEquals(java.util.List.of("x"), ScenarioOptions.DEFAULTS.faultsOr(java.util.List.of("x")));
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--faults", "a,a"));
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--faults"));
    }

    @Test
    void helpNeedsNoScenario() throws Exception {
        assertTrue(Arguments.parse("--help").help());
        assertTrue(Arguments.parse("-h").help());
    }

    @Test
    void errorsNameTheArgument() {
        assertEquals("a scenario NAME is required",
                assertThrows(Arguments.UsageException.class, Arguments::parse).getMessage());
        assertEquals("unknown option '--fast'",
                assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--fast")).getMessage());
        assertEquals("--seconds needs a value",
                assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--seconds")).getMessage());
        assertEquals("--seconds: 0 (expected: an integer 1..600)",
                assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--seconds", "0")).getMessage());
        assertEquals("--repeat: many (expected: an integer 1..100)",
                assertThrows(Arguments.UsageException.class, () -> Arguments.parse("x", "--repeat", "many")).getMessage());
        assertThrows(Arguments.UsageException.class, () -> Arguments.parse("a", "b"));
    }
}
