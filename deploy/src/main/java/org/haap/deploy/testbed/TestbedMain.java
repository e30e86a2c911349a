package org.haap.deploy.testbed;

import java.io.PrintStream;

/**
 * The testbed's command line: {@code TestbedMain up|down|status [--profile NAME]}
 * ({@code ./haap testbed ...}). Exit codes: 0 success (for {@code status}: the testbed
 * is up), 1 failure, 2 usage error, 3 {@code status} found nothing or a partial testbed.
 */
public final class TestbedMain {

    private TestbedMain() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(args, Testbed.create(), System.out, System.err));
    }

    static int run(String[] args, Testbed testbed, PrintStream out, PrintStream err) {
        String command = null;
        Profile profile = Profile.DEFAULT;
        String congestion = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h", "help" -> {
                        usage(out);
                        return 0;
                    }
                    case "--profile" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("--profile needs a name");
                        }
                        profile = Profile.byName(args[++i]);
                    }
                    case "--congestion-control" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("--congestion-control needs a name, e.g. cubic");
                        }
                        congestion = args[++i];
                    }
                    case "up", "down", "status" -> {
                        if (command != null) {
                            throw new IllegalArgumentException("one command only, got " + command + " and " + args[i]);
                        }
                        command = args[i];
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (command == null) {
                throw new IllegalArgumentException("a command is required: up, down or status");
            }
        } catch (IllegalArgumentException e) {
            err.println("testbed: " + e.getMessage());
            usage(err);
            return 2;
        }
        try {
            switch (command) {
                case "up" -> {
                    testbed.up(profile, line -> out.println("testbed: " + line));
                    if (congestion != null) {
                        testbed.setCongestionControl(congestion);
                        out.println("testbed: default congestion control " + congestion + " in every namespace");
                    }
                }
                case "down" -> testbed.down(line -> out.println("testbed: " + line));
                default -> {
                    TestbedStatus s = testbed.status();
                    out.println(s);
                    return s.isComplete() ? 0 : 3;
                }
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("testbed: " + command + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static void usage(PrintStream out) {
        out.println("Usage: testbed up|down|status [--profile NAME] [--congestion-control NAME]");
        out.println();
        out.println("  up       build the namespaces haap-{client,cpe,dsl,lte,ap,server} (replaces an old testbed)");
        out.println("  down     remove every haap-* namespace and the processes in it (also after a crash)");
        out.println("  status   show what exists; exit 0 when the testbed is up, 3 otherwise");
        out.println();
        out.println("  --congestion-control NAME  (up) every namespace's default TCP congestion control, e.g.");
        out.println("           cubic; added to the host's net.ipv4.tcp_allowed_congestion_control if missing,");
        out.println("           which down restores");
        out.println();
        out.println("Profiles (--profile, for up):");
        for (Profile p : Profile.builtIn()) {
            out.println("  " + String.format("%-11s", p.name()) + "dsl " + p.dsl() + "; lte " + p.lte()
                    + "; default route via " + p.defaultWan().interfaceName());
        }
        out.println();
        out.println("Needs root, ip, tc, nft, iptables. State and logs: $" + Testbed.RUN_DIR_ENV
                + " (default " + Testbed.DEFAULT_RUN_DIR + ").");
    }
}
