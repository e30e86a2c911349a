package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TeardownTest {

    @Test
    void runsNewestFirstOnceAndSurvivesFailures() {
        List<String> ran = new ArrayList<>();
        Teardown t = new Teardown();
        t.add("first", () -> ran.add("first"));
        t.add("broken", () -> {
            throw new IllegalStateException("boom");
        });
        t.add("last", () -> ran.add("last"));
        List<String> failures = t.runAll();
        assertEquals(List.of("last", "first"), ran);
        assertEquals(List.of("broken: java.lang.IllegalStateException: boom"), failures);
        assertEquals(0, t.pending());
        assertEquals(List.of(), t.runAll());
        assertEquals(List.of("last", "first"), ran);
    }
}
