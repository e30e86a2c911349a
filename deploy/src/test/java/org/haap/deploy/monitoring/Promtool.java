package org.haap.deploy.monitoring;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Prometheus tools of the Debian package {@code prometheus}. A missing binary fails
 * the test when {@code CI=true} and skips it otherwise.
 */
public final class Promtool {

    /** The outcome of one run. */
    public record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** The path of {@code tool} ({@code promtool}, {@code prometheus}); fails or skips when it is missing. */
    public static Path require(String tool) {
        Path p = find(tool);
        if (p == null) {
            String msg = tool + " is not installed (Debian package prometheus)";
            if ("true".equals(System.getenv("CI"))) {
                fail(msg);
            }
            abort(msg);
        }
        return p;
    }

    /** The path of {@code tool} on the PATH (or /usr/bin), or null. */
    public static Path find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        return null;
    }

    /** Runs {@code promtool args...} in {@code dir}, with {@code stdin} as its input (null = none). */
    public static Result run(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(require("promtool").toString());
        cmd.addAll(List.of(args));
        Path in = Files.createTempFile("haap-promtool", ".in");
        try {
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(in.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("promtool " + args[0] + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(in);
        }
    }
}
