package org.haap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.haap.config.internal.ConfigFiles;
import org.haap.config.internal.HostCongestionControl;
import org.haap.config.internal.OpenFilesLimit;
import org.haap.config.internal.Section;

/**
 * {@code check-config FILE...}: validates every HAAP section present in each file, as the
 * applications would at start-up, without starting anything. Prints
 * {@code "FILE: ok (aggregation-point)"} (or {@code (gateway)}, or
 * {@code (aggregation-point, gateway)} for a file holding both), then for an aggregation point the
 * effective destination policy ({@link DestinationPolicy#describe()}), and exits 0 (valid settings
 * that are probably a mistake, {@link ApConfig#warnings()}, go to stderr as
 * {@code "FILE: warning: ..."}, among them session caps that need more open files than this
 * process's hard limit allows, {@link ApConfig#openFilesWarning}), or prints each error to stderr as
 * {@code "FILE: key: value (expected: ...)"} and exits {@value ConfigError#EXIT_CODE}.
 */
public final class CheckConfig {
    /** {@code EX_USAGE} from sysexits.h: bad command-line arguments. */
    public static final int USAGE_EXIT_CODE = 64;

    /** One application's section and how to read it. */
    private record SectionCheck(String name, String path, Function<Config, ?> reader) {
    }

    private static final List<SectionCheck> SECTIONS = List.of(
            new SectionCheck("aggregation-point", ApConfig.PATH, HaapConfigLoader::aggregationPoint),
            new SectionCheck("gateway", GatewayConfig.PATH, HaapConfigLoader::gateway));

    private static final String USAGE = String.join("\n",
            "usage: check-config FILE...",
            "Validates HAAP config files (HOCON) against reference.conf: every section present",
            "(" + SECTIONS.stream().map(SectionCheck::path).collect(Collectors.joining(", "))
                    + ") is read with all range checks; unknown keys are errors. For an",
            "aggregation point it then prints the effective destination policy, and for each",
            "section what congestion-control gives on this host.",
            "Exit status: 0 all files valid, " + ConfigError.EXIT_CODE + " a config error, "
                    + USAGE_EXIT_CODE + " bad arguments.");

    private CheckConfig() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Checks the files named in {@code args}; returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, OpenFilesLimit.hard());
    }

    /** {@link #run(List, PrintStream, PrintStream)} against {@code openFilesLimit} (empty: unlimited). */
    static int run(List<String> args, PrintStream out, PrintStream err, OptionalLong openFilesLimit) {
        return run(args, out, err, openFilesLimit, HostCongestionControl.read());
    }

    /** {@link #run(List, PrintStream, PrintStream, OptionalLong)} on {@code host}'s congestion control (empty: unknown). */
    static int run(List<String> args, PrintStream out, PrintStream err, OptionalLong openFilesLimit,
                   Optional<HostCongestionControl> host) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        if (args.isEmpty() || args.stream().anyMatch(a -> a.startsWith("-"))) {
            err.println(USAGE);
            return USAGE_EXIT_CODE;
        }
        int exitCode = 0;
        for (String file : args) {
            if (check(file, out, err, openFilesLimit, host) != 0) {
                exitCode = ConfigError.EXIT_CODE;
            }
        }
        return exitCode;
    }

    /** Adds what {@code cc} gives on {@code host} to {@code details}, and a warning if it would not work. */
    private static void describe(Optional<HostCongestionControl> host, String path, CongestionControl cc,
                                 List<String> details, List<String> warnings) {
        host.ifPresent(h -> {
            List<String> lines = h.describe(path + ".congestion-control", cc);
            details.add(lines.get(0));
            warnings.addAll(lines.subList(1, lines.size()));
        });
    }

    private static int check(String file, PrintStream out, PrintStream err, OptionalLong openFilesLimit,
                             Optional<HostCongestionControl> host) {
        Config parsed;
        Config merged;
        try {
            parsed = ConfigFiles.parse(Path.of(file));
            merged = ConfigFiles.withReference(Path.of(file), parsed);
        } catch (ConfigError e) {
            err.println(e.getMessage());
            return ConfigError.EXIT_CODE;
        }
        List<ConfigError> errors = new ArrayList<>(
                new Section(merged, ConfigFactory.defaultReference(), "haap").unknownChildren());
        List<String> checked = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (SectionCheck section : SECTIONS) {
            if (ConfigFiles.isPresent(parsed, section.path())) {
                checked.add(section.name());
                try {
                    Object config = section.reader().apply(merged);
                    if (config instanceof ApConfig ap) {
                        warnings.addAll(ap.warnings());
                        openFilesLimit.ifPresent(limit -> ap.openFilesWarning(limit).ifPresent(warnings::add));
                        details.addAll(ap.destinations().describe());
                        details.addAll(ap.cluster().describe(ap.listen()));
                        describe(host, section.path(), ap.congestionControl(), details, warnings);
                    } else if (config instanceof GatewayConfig gw) {
                        describe(host, section.path(), gw.congestionControl(), details, warnings);
                    }
                } catch (ConfigError e) {
                    errors.addAll(e.all());
                }
            }
        }
        if (checked.isEmpty() && errors.isEmpty()) {
            errors.add(ConfigError.invalid("haap", "no section", "one of "
                    + SECTIONS.stream().map(SectionCheck::path).collect(Collectors.joining(", "))));
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> err.println(file + ": " + e.getMessage()));
            return ConfigError.EXIT_CODE;
        }
        warnings.forEach(w -> err.println(file + ": warning: " + w));
        out.println(file + ": ok (" + String.join(", ", checked) + ')');
        details.forEach(out::println);
        return 0;
    }
}
