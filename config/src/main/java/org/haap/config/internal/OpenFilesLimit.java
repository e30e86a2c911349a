package org.haap.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * This process's hard limit on open files ({@code RLIMIT_NOFILE}), read from {@code
 * /proc/self/limits} (the config module binds no native code): the most a HAAP process
 * started the same way can raise its soft limit to.
 */
public final class OpenFilesLimit {

    private static final String LINE = "Max open files";

    private OpenFilesLimit() {
    }

    /** The hard limit, or empty when it is unlimited or cannot be read. */
    public static OptionalLong hard() {
        try {
            return parseHard(Files.readString(Path.of("/proc/self/limits")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The hard limit in the text of a {@code /proc/PID/limits} file; empty if unlimited or absent. */
    static OptionalLong parseHard(String limits) {
        return limits.lines()
                .filter(l -> l.startsWith(LINE))
                .map(l -> l.substring(LINE.length()).trim().split("\\s+"))
                .filter(f -> f.length >= 2 && f[1].chars().allMatch(Character::isDigit))
                .mapToLong(f -> Long.parseLong(f[1]))
                .findFirst();
    }
}
