package org.haap.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OpenFilesLimitTest {

    private static final String LIMITS = """
            Limit                     Soft Limit           Hard Limit           Units
            Max processes             63455                63455                processes
            Max open files            1024                 524288               files
            Max locked memory         8388608              8388608              bytes
            """;

    @Test
    void readsTheHardLimitOfOpenFiles() {
        assertEquals(OptionalLong.of(524_288), OpenFilesLimit.parseHard(LIMITS));
    }

    @Test
    void unlimitedOrMissingIsEmpty() {
        assertEquals(OptionalLong.empty(), OpenFilesLimit.parseHard(
                LIMITS.replace("524288              ", "unlimited           ")));
        assertEquals(OptionalLong.empty(), OpenFilesLimit.parseHard("Limit  Soft Limit  Hard Limit  Units\n"));
    }

    @Test
    void thisProcessHasOne() {
        assertTrue(OpenFilesLimit.hard().orElse(Long.MAX_VALUE) > 0);
    }
}
