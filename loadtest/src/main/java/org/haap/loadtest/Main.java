package org.haap.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code loadtest NAME [--json] [--out DIR] [--seconds N] [--repeat N] [--connections N]
 * [--points LIST] [--runs N] [--modes LIST] [--faults LIST] [--rate MBIT] [--minutes N] [--server-first]
 * [--help]}: runs one
 * scenario, prints progress lines to stderr, the result table to stdout and, with
 * {@code --json}, the result as one JSON object on the last line of stdout. Everything the
 * scenario set up is torn down at the end, after a failure, and on Ctrl-C (shutdown hook).
 *
 * <p>Exit codes: 0 measured, 1 the scenario failed, 2 usage error.
 */
public final class Main {

    /** Above this steal share the table warns that its latencies are inflated. */
    static final double STEAL_WARN_PCT = 5;

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Scenarios::all, CpuSteal::sample, Main::hostCongestionControl));
    }

    /**
     * Runs the command line with the given streams and scenarios, sampling the CPU steal with
     * {@code steal} before and after the scenario and recording the TCP congestion control
     * {@code congestion} names; returns the exit code.
     */
    static int run(String[] args, PrintStream out, PrintStream err, Supplier<List<Scenario>> scenarios,
                   Supplier<CpuSteal.Sample> steal, Supplier<Optional<String>> congestion) {
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
        return runScenario(found.get(), a, out, err, steal, congestion.get());
    }

    /**
     * The host's default TCP congestion control, which every network namespace created on it
     * starts with (the testbed's too), or empty where it cannot be read.
     */
    static Optional<String> hostCongestionControl() {
        try {
            return Optional.of(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip())
                    .filter(s -> !s.isEmpty());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static int runScenario(Scenario scenario, Arguments a, PrintStream out, PrintStream err,
                                   Supplier<CpuSteal.Sample> stealSampler, Optional<String> congestion) {
        Teardown teardown = new Teardown();
        Thread hook = new Thread(() -> reportTeardown(teardown.runAll(), err), "loadtest-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        Consumer<String> progress = line -> {
            long s = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            err.println("[" + scenario.name() + " " + s + "s] " + line);
            err.flush();
        };
        Path outDir = a.outDir() != null ? a.outDir() : scenario.defaultOutDir();
        CpuSteal.Sample stealBefore = stealSampler.get();
        ScenarioResult result;
        try {
            result = scenario.run(new ScenarioContext(a.seconds(), a.repeat(), outDir, progress, teardown, a.options()));
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
        OptionalDouble steal = CpuSteal.percent(stealBefore, stealSampler.get());
        String table = result.table() + stealLine(steal) + congestion.map(cc -> String.format(Locale.ROOT,
                "tcp congestion control: host default %s, which the testbed's namespaces inherit unless the"
                        + " table says otherwise; HAAP sets its own (congestion-control, default: bbr where the kernel"
                        + " has it)%n", cc))
                .orElse("");
        Map<String, Object> json = new LinkedHashMap<>(result.toJson());
        if (steal.isPresent()) {
            json.put("cpu_steal_pct", Math.round(steal.getAsDouble() * 10) / 10.0);
        }
        congestion.ifPresent(cc -> json.put("tcp_congestion_control", cc));
        String jsonLine = Json.write(json);
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
                String stem = scenario.name();
                Files.writeString(outDir.resolve(stem + ".txt"), table, StandardCharsets.UTF_8);
                Files.writeString(outDir.resolve(stem + ".json"), jsonLine + "\n", StandardCharsets.UTF_8);
                StringBuilder written = new StringBuilder("txt,json");
                for (Map.Entry<String, byte[]> f : result.files().entrySet()) {
                    Files.write(outDir.resolve(stem + "." + f.getKey()), f.getValue());
                    written.append(',').append(f.getKey());
                }
                progress.accept("wrote " + outDir.resolve(stem + ".{" + written + "}"));
            } catch (IOException e) {
                err.println("loadtest: cannot write results to " + outDir + ": " + e.getMessage());
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

    /**
     * The table's last line: the CPU time the hypervisor gave to other guests during the run
     * (latency figures grow with it on a shared virtual machine), or nothing where unknown.
     */
    static String stealLine(OptionalDouble steal) {
        if (steal.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "cpu steal during the run: %.1f %% of the machine's CPU time%s%n",
                steal.getAsDouble(), steal.getAsDouble() > STEAL_WARN_PCT
                        ? " (a busy host: latency figures are higher than on a quiet machine)" : "");
    }

    static String usage(List<Scenario> scenarios) {
        StringBuilder sb = new StringBuilder("""
                Usage: loadtest NAME [--json] [--out DIR] [--seconds N] [--repeat N]
                                     [--connections N] [--points LIST] [--runs N] [--modes LIST]
                                     [--faults LIST] [--rate MBIT] [--minutes N] [--server-first]
                       loadtest --help

                Runs one load-test scenario and prints its results as a table (stdout);
                progress goes to stderr. Needs root (network namespaces) for most scenarios.

                Options:
                  --json         also print the result as one JSON object, the last line of stdout
                  --out DIR      also write the table, the JSON (and a plot) to DIR/NAME.{txt,json,png};
                                 robe-loss, pageload, browser, failover, soak, conn-rate, idle-conns,
                                 throughput, footprint and aggregation write to
                                 loadtest/results/ by default
                  --seconds N    length of each timed measurement, 1..600 (default 5; ap-relay,
                                 conn-rate, throughput; aggregation: per transfer, default 12)
                  --repeat N     repetitions of each measurement, 1..100 (default 3; ap-relay,
                                 conn-rate, throughput)
                  --connections N  connections per SYN-loss point (robe-loss, default 50); clients at
                                 once (conn-rate, default 10); idle connections (idle-conns, default 8000);
                                 parallel transfers (aggregation, default 1 and 4); connections
                                 held open (scale-out, default 300)
                  --points LIST  SYN-loss percentages (robe-loss, default 0,20,40,60,80,100); LTE
                                 random-loss percentages (aggregation, default 0,1,3); the number
                                 of AP nodes, 2..9 (scale-out, default 3)
                  --runs N       page loads per mode (pageload, default 20; browser, default 15);
                                 rounds (idle-conns, default 1)
                  --modes LIST   modes to measure, e.g. classic,sim,sim+pool (robe-loss, pageload, browser;
                                 pageload and browser always add direct-dsl,direct-lte); failover: path-manager
                                 policies, e.g. fullmesh,dsl-first,kernel; conn-rate, idle-conns,
                                 throughput: routes, e.g. haap,haproxy (default kernel,haap,haproxy);
                                 footprint: routes (default haap,haproxy);
                                 aggregation: routes kernel,haap,dsl,lte (default all);
                                 scale-out: the gateway's defaults or no-fast-open (default defaults)
                  --faults LIST  faults to inject (failover, default link-down,blackhole)
                  --rate MBIT    both WANs shaped to MBIT Mbit/s instead of the profile's rates, 1..10000
                                 (pageload, browser; the RTTs stay): how much of a page's time is the links' rate
                  --minutes N    length of the run, 1..1440 (soak, footprint, default 10)
                  --server-first also measure, at every point, as many connections on which the
                                 server speaks first (a banner at accept; robe-loss), side by side
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
