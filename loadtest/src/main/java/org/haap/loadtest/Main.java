package org.haap.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code loadtest NAME [--json] [--out DIR] [--seconds N] [--repeat N] [--help]}: runs one
 * scenario, prints progress lines to stderr, the result table to stdout and, with
 * {@code --json}, the result as one JSON object on the last line of stdout. Everything the
 * scenario set up is torn down at the end, after a failure, and on Ctrl-C (shutdown hook).
 *
 * <p>Exit codes: 0 measured, 1 the scenario failed, 2 usage error.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Scenarios::all));
    }

    /** Runs the command line with the given streams and scenarios; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err, Supplier<List<Scenario>> scenarios) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (Arguments.UsageException e) {
            err.println("loadtest: " + e.getMessage());
            err.print(usage(scenarios.get()));
            return EXIT_USAGE;
        }
        if (a.help()) {
            out.print(usage(scenarios.get()));
            return EXIT_OK;
        }
        Optional<Scenario> found = scenarios.get().stream().filter(s -> s.name().equals(a.scenario())).findFirst();
        if (found.isEmpty()) {
            err.println("loadtest: unknown scenario '" + a.scenario() + "'");
            err.print(usage(scenarios.get()));
            return EXIT_USAGE;
        }
        return runScenario(found.get(), a, out, err);
    }

    private static int runScenario(Scenario scenario, Arguments a, PrintStream out, PrintStream err) {
        Teardown teardown = new Teardown();
        Thread hook = new Thread(() -> reportTeardown(teardown.runAll(), err), "loadtest-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        Consumer<String> progress = line -> {
            long s = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            err.println("[" + scenario.name() + " " + s + "s] " + line);
            err.flush();
        };
        ScenarioResult result;
        try {
            result = scenario.run(new ScenarioContext(a.seconds(), a.repeat(), a.outDir(), progress, teardown));
        } catch (Exception e) {
            err.println("loadtest: " + scenario.name() + " failed: " + e);
            for (Throwable s : e.getSuppressed()) {
                err.println("  also: " + s);
            }
            return EXIT_FAILED;
        } finally {
            progress.accept("tearing down");
            reportTeardown(teardown.runAll(), err);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs (and finds nothing left)
            }
        }
        String table = result.table();
        Map<String, Object> json = result.toJson();
        String jsonLine = Json.write(json);
        if (a.outDir() != null) {
            try {
                Files.createDirectories(a.outDir());
                String stem = scenario.name() + "-" + Instant.now().toString().replace(':', '-');
                Files.writeString(a.outDir().resolve(stem + ".txt"), table, StandardCharsets.UTF_8);
                Files.writeString(a.outDir().resolve(stem + ".json"), jsonLine + "\n", StandardCharsets.UTF_8);
                progress.accept("wrote " + a.outDir().resolve(stem + ".{txt,json}"));
            } catch (IOException e) {
                err.println("loadtest: cannot write results to " + a.outDir() + ": " + e.getMessage());
                return EXIT_FAILED;
            }
        }
        out.print(table);
        if (a.json()) {
            out.println(jsonLine);
        }
        out.flush();
        return EXIT_OK;
    }

    private static void reportTeardown(List<String> failures, PrintStream err) {
        for (String f : failures) {
            err.println("loadtest: teardown: " + f);
        }
    }

    static String usage(List<Scenario> scenarios) {
        StringBuilder sb = new StringBuilder("""
                Usage: loadtest NAME [--json] [--out DIR] [--seconds N] [--repeat N]
                       loadtest --help

                Runs one load-test scenario and prints its results as a table (stdout);
                progress goes to stderr. Needs root (network namespaces) for most scenarios.

                Options:
                  --json         also print the result as one JSON object, the last line of stdout
                  --out DIR      also write the table and the JSON to DIR/NAME-TIMESTAMP.{txt,json}
                  --seconds N    length of each timed measurement, 1..600 (default 5)
                  --repeat N     repetitions of each measurement, 1..100 (default 3)
                  -h, --help     this text

                Scenarios:
                """);
        int w = scenarios.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (Scenario s : scenarios) {
            sb.append("  ").append(s.name()).append(" ".repeat(w - s.name().length() + 2))
                    .append(s.description()).append('\n');
        }
        sb.append("\nExit codes: 0 measured, 1 scenario failed, 2 usage error.\n");
        return sb.toString();
    }
}
