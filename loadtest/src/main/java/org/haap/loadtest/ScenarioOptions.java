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
 */
public record ScenarioOptions(int connections, List<Integer> points, int runs, List<String> modes,
                              List<String> faults) {

    /** Nothing given: every scenario uses its defaults. */
    public static final ScenarioOptions DEFAULTS = new ScenarioOptions(0, List.of(), 0, List.of(), List.of());

    public ScenarioOptions {
        if (connections < 0) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 0)");
        }
        if (runs < 0) {
            throw new IllegalArgumentException("runs: " + runs + " (expected: >= 0)");
        }
        points = List.copyOf(Objects.requireNonNull(points, "points"));
        modes = List.copyOf(Objects.requireNonNull(modes, "modes"));
        faults = List.copyOf(Objects.requireNonNull(faults, "faults"));
    }

    /** Options without {@code --faults}. */
    public ScenarioOptions(int connections, List<Integer> points, int runs, List<String> modes) {
        this(connections, points, runs, modes, List.of());
    }

    /** {@link #connections} or {@code otherwise} when not given. */
    public int connectionsOr(int otherwise) {
        return connections == 0 ? otherwise : connections;
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
