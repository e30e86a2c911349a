package org.haap.deploy.demo;

import java.io.PrintStream;
import java.util.List;

import org.haap.deploy.testbed.Testbed;

/**
 * {@code ./haap demo [--profile NAME] [--seconds N] [--json] [--keep] [--help]}: see
 * {@link DemoOptions#USAGE}. Exit status 0 when the data arrived intact, 1 when not or
 * when the demo could not run, 2 on a usage error.
 */
public final class DemoMain {

    private DemoMain() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(List.of(args), Testbed.create(), System.out, System.err));
    }

    static int run(List<String> args, Testbed testbed, PrintStream out, PrintStream err) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("demo: " + e.getMessage());
            err.print(DemoOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(DemoOptions.USAGE);
            return 0;
        }
        DemoReport report;
        try {
            report = new Demo(options, testbed, out, err).run();
        } catch (Exception e) {
            err.println("demo: failed: " + e.getMessage());
            if (options.json()) {
                out.println("{\"profile\":\"" + options.profile().name() + "\",\"seconds\":" + options.seconds()
                        + ",\"integrity\":\"failed\",\"error\":\"" + jsonEscape(String.valueOf(e.getMessage())) + "\"}");
            }
            return 1;
        }
        report.summary().forEach(out::println);
        if (options.json()) {
            out.println(report.toJson());
        }
        return report.intact() ? 0 : 1;
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
