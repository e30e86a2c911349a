package org.haap.core.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The open-files limit through libc, against what the kernel shows in {@code /proc/self/limits}. */
class FileDescriptorLimitTest {

    @Test
    void readsTheLimitTheKernelReports() throws Exception {
        FileDescriptorLimit limit = FileDescriptorLimit.current();
        String line = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow();
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        assertEquals(f[0] + " " + f[1], limit.soft() + " " + limit.hard());
    }

    @Test
    void raisingTheSoftLimitMakesItTheHardOne() throws Exception {
        FileDescriptorLimit before = FileDescriptorLimit.current();
        FileDescriptorLimit after = FileDescriptorLimit.raiseSoftToHard();
        assertEquals(before.hard(), after.hard());
        assertEquals(after.hard(), after.soft());
        assertEquals(after, FileDescriptorLimit.current());
        assertTrue(after.toString().matches("soft \\d+, hard \\d+"), after::toString);
    }
}
