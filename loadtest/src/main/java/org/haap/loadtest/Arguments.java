package org.haap.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The parsed command line {@code loadtest NAME [--json] [--out DIR] [--seconds N]
 * [--repeat N] [--connections N] [--points LIST] [--runs N] [--modes LIST] [--faults LIST] [--rate MBIT] [--minutes N]
 * [--server-first] [--help]}.
 *
 * @param scenario the scenario name, or {@code null} with {@code --help}
 * @param json     whether to print the JSON result as the last line of stdout
 * @param outDir   where to write result files, or {@code null}
 * @param seconds  length of one timed measurement
 * @param repeat   repetitions of each measurement
 * @param help     whether {@code --help} was given
 * @param options  the scenario-specific sizes ({@code --connections}, {@code --points},
 *                 {@code --runs}, {@code --modes}, {@code --faults}, {@code --rate}, {@code --minutes},
 *                 {@code --server-first})
 */
public record Arguments(String scenario, boolean json, Path outDir, int seconds, int repeat, boolean help,
                        ScenarioOptions options) {

    /** Default length of one measurement, in seconds. */
    public static final int DEFAULT_SECONDS = 5;
    /** Default repetitions of each measurement. */
    public static final int DEFAULT_REPEAT = 3;
    /** Upper bound for {@code --seconds}, so a run always ends in reasonable time. */
    public static final int MAX_SECONDS = 600;
    /** Upper bound for {@code --repeat}. */
    public static final int MAX_REPEAT = 100;
    /** Upper bound for {@code --connections}. */
    public static final int MAX_CONNECTIONS = 10_000;
    /** Upper bound for {@code --runs}. */
    public static final int MAX_RUNS = 1_000;
    /** Upper bound for {@code --rate}, in Mbit/s. */
    public static final int MAX_RATE_MBIT = 10_000;
    /** Upper bound for {@code --minutes} (one day). */
    public static final int MAX_MINUTES = 1_440;

    /** Thrown for a malformed command line; the message names the argument. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses {@code args}. */
    public static Arguments parse(String... args) throws UsageException {
        Objects.requireNonNull(args, "args");
        String scenario = null;
        boolean json = false;
        boolean help = false;
        boolean serverFirst = false;
        Path out = null;
        int seconds = DEFAULT_SECONDS;
        int repeat = DEFAULT_REPEAT;
        int connections = 0;
        int runs = 0;
        int rate = 0;
        int minutes = 0;
        List<Integer> points = List.of();
        List<String> modes = List.of();
        List<String> faults = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> help = true;
                case "--json" -> json = true;
                case "--server-first" -> serverFirst = true;
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--seconds" -> seconds = integer(value(args, ++i, a), a, MAX_SECONDS);
                case "--repeat" -> repeat = integer(value(args, ++i, a), a, MAX_REPEAT);
                case "--connections" -> connections = integer(value(args, ++i, a), a, MAX_CONNECTIONS);
                case "--runs" -> runs = integer(value(args, ++i, a), a, MAX_RUNS);
                case "--points" -> points = percentages(value(args, ++i, a), a);
                case "--modes" -> modes = names(value(args, ++i, a), a);
                case "--faults" -> faults = names(value(args, ++i, a), a);
                case "--rate" -> rate = integer(value(args, ++i, a), a, MAX_RATE_MBIT);
                case "--minutes" -> minutes = integer(value(args, ++i, a), a, MAX_MINUTES);
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("unknown option '" + a + "'");
                    }
                    if (scenario != null) {
                        throw new UsageException("one scenario at a time (got '" + scenario + "' and '" + a + "')");
                    }
                    scenario = a;
                }
            }
        }
        if (scenario == null && !help) {
            throw new UsageException("a scenario NAME is required");
        }
        return new Arguments(scenario, json, out, seconds, repeat, help,
                new ScenarioOptions(connections, points, runs, modes, faults, rate, minutes, serverFirst));
    }

    private static List<Integer> percentages(String s, String option) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String item : s.split(",", -1)) {
            int v;
            try {
                v = Integer.parseInt(item.strip());
            } catch (NumberFormatException e) {
                throw new UsageException(option + ": " + s + " (expected: percentages 0..100, comma-separated)");
            }
            if (v < 0 || v > 100 || out.contains(v)) {
                throw new UsageException(option + ": " + s + " (expected: distinct percentages 0..100, comma-separated)");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }

    private static List<String> names(String s, String option) throws UsageException {
        List<String> out = new ArrayList<>();
        for (String item : s.split(",", -1)) {
            String name = item.strip();
            if (name.isEmpty() || out.contains(name)) {
                throw new UsageException(option + ": " + s + " (expected: distinct names, comma-separated)");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static int integer(String s, String option, int max) throws UsageException {
        int v;
        try {
            v = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": " + s + " (expected: an integer 1.." + max + ")");
        }
        if (v < 1 || v > max) {
            throw new UsageException(option + ": " + s + " (expected: an integer 1.." + max + ")");
        }
        return v;
    }
}
