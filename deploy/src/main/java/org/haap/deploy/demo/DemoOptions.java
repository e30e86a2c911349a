package org.haap.deploy.demo;

import java.util.List;

import org.haap.deploy.testbed.Profile;

/**
 * The command line of {@code ./haap demo}.
 *
 * @param profile the testbed profile
 * @param seconds how long the transfer runs, 2..3600
 * @param json whether the last line of standard output is one JSON object
 * @param keep whether the testbed, gateway and AP are left running afterwards
 * @param help whether only the usage was asked for
 */
public record DemoOptions(Profile profile, int seconds, boolean json, boolean keep, boolean help) {

    /** The usage text. */
    public static final String USAGE = """
            Usage: haap demo [--profile NAME] [--seconds N] [--json] [--keep] [--help]

            Brings the namespace testbed up, starts the aggregation point and the client
            gateway in it, and runs a real transfer from the client namespace to a server in
            the server namespace through both (both directions at once, 4 connections each),
            printing Mbit/s per WAN every second, then a summary. Tears everything down at
            the end (also on Ctrl-C) unless --keep.

              --profile NAME   testbed profile: default, robe-paper or fast (default: default)
              --seconds N      transfer length in seconds, 2..3600 (default: 10)
              --json           end with one JSON line (profile, seconds, wan, goodput_mbps_up,
                               goodput_mbps_down, line_rate_mbps, integrity, connect_ms_median)
              --keep           leave the testbed, gateway and AP running (remove them with
                               ./haap testbed down)

            Exit status: 0 integrity ok, 1 integrity failed or the demo could not run,
            2 usage error. Needs root.
            """;

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    public static DemoOptions parse(List<String> args) {
        Profile profile = Profile.DEFAULT;
        int seconds = 10;
        boolean json = false;
        boolean keep = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--help", "-h" -> {
                    return new DemoOptions(profile, seconds, json, keep, true);
                }
                case "--json" -> json = true;
                case "--keep" -> keep = true;
                case "--profile" -> profile = Profile.byName(value(args, ++i, a));
                case "--seconds" -> {
                    String v = value(args, ++i, a);
                    try {
                        seconds = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        seconds = -1;
                    }
                    if (seconds < 2 || seconds > 3600) {
                        throw new IllegalArgumentException("--seconds: " + v + " (expected: 2..3600)");
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        return new DemoOptions(profile, seconds, json, keep, false);
    }

    private static String value(List<String> args, int i, String name) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(i);
    }
}
