package org.haap.loadtest;

import java.util.List;
import java.util.Objects;

/**
 * Scenario-specific sizes from the command line; every field has a "not given" value, in
 * which case the scenario uses its own default. A scenario ignores the fields it has no use
 * for.
 *
 * @param connections connections per measured point ({@code --connections}), 0 = default
 * @param points      SYN-loss percentages to measure ({@code --points}), empty = default
 * @param runs        runs per mode ({@code --runs}), 0 = default
 * @param modes       modes to measure ({@code --modes}), empty = default
 * @param faults      faults to inject ({@code --faults}), empty = default
 * @param rateMbit    both WANs' shaped rate in Mbit/s instead of the profile's ({@code --rate}), 0 = the profile's
 * @param minutes     length of a run in minutes ({@code --minutes}), 0 = default
 * @param serverFirst also measure connections on which the server speaks first ({@code --server-first})
 */
public record ScenarioOptions(int connections, List<Integer> points, int runs, List<String> modes,
                              List<String> faults, int rateMbit, int minutes, boolean serverFirst) {

    /** Nothing given: every scenario uses its defaults. */
    public static final ScenarioOptions DEFAULTS = new ScenarioOptions(0, List.of(), 0, List.of(), List.of(), 0, 0);

    public ScenarioOptions {
        if (connections < 0) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 0)");
        }
        if (rateMbit < 0) {
            throw new IllegalArgumentException("rateMbit: " + rateMbit + " (expected: >= 0)");
        }
        if (minutes < 0) {
            throw new IllegalArgumentException("minutes: " + minutes + " (expected: >= 0)");
        }
        if (runs < 0) {
            throw new IllegalArgumentException("runs: " + runs + " (expected: >= 0)");
        }
        points = List.copyOf(Objects.requireNonNull(points, "points"));
        modes = List.copyOf(Objects.requireNonNull(modes, "modes"));
        faults = List.copyOf(Objects.requireNonNull(faults, "faults"));
    }

    /** Options without {@code --server-first}. */
    public ScenarioOptions(int connections, List<Integer> points, int runs, List<String> modes, List<String> faults,
                           int rateMbit, int minutes) {
        this(connections, points, runs, modes, faults, rateMbit, minutes, false);
    }

    /** Options without {@code --minutes}. */
    public ScenarioOptions(int connections, List<Integer> points, int runs, List<String> modes, List<String> faults,
                           int rateMbit) {
        this(connections, points, runs, modes, faults, rateMbit, 0);
    }

    /** Options without {@code --faults} and {@code --rate}. */
    public ScenarioOptions(int connections, List<Integer> points, int runs, List<String> modes) {
        this(connections, points, runs, modes, List.of(), 0);
    }

    /** Options without {@code --rate}. */
    public ScenarioOptions(int connections, List<Integer> points, int runs, List<String> modes, List<String> faults) {
        this(connections, points, runs, modes, faults, 0);
    }

    /** {@link #connections} or {@code otherwise} when not given. */
    public int connectionsOr(int otherwise) {
        return connections == 0 ? otherwise : connections;
    }

    /** {@link #minutes} or {@code otherwise} when not given. */
    public int minutesOr(int otherwise) {
        return minutes == 0 ? otherwise : minutes;
    }

    /** {@link #runs} or {@code otherwise} when not given. */
    public int runsOr(int otherwise) {
        return runs == 0 ? otherwise : runs;
    }

    /** {@link #points} or {@code otherwise} when not given. */
    public List<Integer> pointsOr(List<Integer> otherwise) {
        return points.isEmpty() ? otherwise : points;
    }

    /** {@link #modes} or {@code otherwise} when not given. */
    public List<String> modesOr(List<String> otherwise) {
        return modes.isEmpty() ? otherwise : modes;
    }

    /** {@link #faults} or {@code otherwise} when not given. */
    public List<String> faultsOr(List<String> otherwise) {
        return faults.isEmpty() ? otherwise : faults;
    }
}
