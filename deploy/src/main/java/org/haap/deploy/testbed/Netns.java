package org.haap.deploy.testbed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.haap.deploy.testbed.internal.Commands;

/**
 * One network namespace by name, and the commands the testbed runs in it: the small
 * command helper beneath the testbed's topology, link shaping and process handling. Runs
 * {@code ip netns exec NAME ...}; the namespace need not exist yet for {@link #name()}.
 * Instances are immutable and thread-safe.
 */
public final class Netns {

    /** How long one command may run by default. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String name;

    /** The namespace called {@code name}. */
    public Netns(String name) {
        if (!name.matches("[a-z][a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("namespace: " + name + " (expected: [a-z][a-z0-9-]{1,40})");
        }
        this.name = name;
    }

    /** The namespace's name. */
    public String name() {
        return name;
    }

    /** {@code command} run inside this namespace ({@code ip netns exec NAME command...}). */
    public List<String> wrap(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(command);
        return cmd;
    }

    /** Runs a command here to completion (30 s at most). */
    public ExecResult exec(String... command) {
        return exec(List.of(command), COMMAND_TIMEOUT);
    }

    /** Runs a command here to completion, killing it after {@code timeout}. */
    public ExecResult exec(List<String> command, Duration timeout) {
        return Commands.run(wrap(command), null, timeout);
    }

    /** Loads nftables rules ({@code nft -f -} syntax) here. */
    public void nft(String rules) {
        Commands.run(wrap(List.of("nft", "-f", "-")), rules, COMMAND_TIMEOUT).check();
    }

    /** Sets sysctls ({@code key=value}) here. */
    public void sysctl(List<String> assignments) {
        List<String> cmd = new ArrayList<>(List.of("sysctl", "-q", "-w"));
        cmd.addAll(assignments);
        exec(cmd, COMMAND_TIMEOUT).check();
    }

    /** Runs {@code ip -n NAME -batch -} with {@code batch} (one {@code ip} command a line). */
    public void ipBatch(String batch) {
        ip(List.of("-n", name, "-batch", "-"), batch);
    }

    /** Runs {@code ip ARGS} (in the namespace the caller is in) with {@code stdin}; fails on a non-zero exit. */
    public static void ip(List<String> args, String stdin) {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(args);
        Commands.run(cmd, stdin, COMMAND_TIMEOUT).check();
    }

    /**
     * Starts a background process here, its output appended to {@code log}, its input
     * {@code /dev/null}. The caller owns the process.
     */
    public Process start(Path log, List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(wrap(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            return pb.start();
        } catch (IOException e) {
            throw new TestbedException("cannot start " + command + " in " + name, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
