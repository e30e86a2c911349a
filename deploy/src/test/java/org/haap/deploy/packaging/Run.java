package org.haap.deploy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a command to completion for the packaging tests and checks their prerequisites. */
final class Run {

    /** Exit status and output of a finished command. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Run() {
    }

    /**
     * Runs {@code command} in {@code dir}; {@code env} replaces the whole environment when not
     * {@code null}. Fails the test if it does not end within {@code timeoutSeconds}.
     */
    static Result run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toAbsolutePath().toFile());
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile("haapt-pkg-out", ".txt");
        Path err = Files.createTempFile("haapt-pkg-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(command + " did not end within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Each command is an executable on the PATH. A missing one fails the test when
     * {@code CI=true} and skips it otherwise.
     */
    static void requireCommands(String... commands) {
        for (String command : commands) {
            if (!onPath(command)) {
                String msg = "the packaging test needs " + command + " on the PATH";
                if ("true".equals(System.getenv("CI"))) {
                    fail(msg);
                }
                abort(msg);
            }
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Unpacks {@code tarball} into {@code dir} and returns its one top directory. */
    static Path unpack(Path tarball, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Result tar = run(List.of("tar", "-xzf", tarball.toString()), dir, null, 120);
        assertEquals(0, tar.exitCode(), tar::toString);
        try (Stream<Path> top = Files.list(dir)) {
            List<Path> dirs = top.toList();
            assertEquals(1, dirs.size(), "one top directory: " + dirs);
            return dirs.get(0);
        }
    }

    /**
     * The apparent size of {@code dir} as {@code du -sb} counts it (what build-package.sh
     * prints): files, directories and links, links not followed.
     */
    static long du(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long sum = 0;
            for (Path p : files.toList()) {
                sum += Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
            }
            return sum;
        }
    }

    /** Deletes {@code dir} and everything in it; nothing when {@code null}. */
    static void deleteTree(Path dir) throws IOException {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
