package org.haap.loadtest;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link Scenario} gets from the command line: the length of one measurement, how
 * often each is repeated, scenario-specific sizes, where to put files, where progress lines
 * go, and the teardown list that removes what the scenario created.
 *
 * @param seconds  length of one timed measurement, &gt; 0
 * @param repeat   repetitions of each measurement, &gt; 0
 * @param outDir   directory for result files and logs, or {@code null} for none
 * @param progress receives short progress lines (the command line prints them to stderr)
 * @param teardown where the scenario registers what it must undo
 * @param options  scenario-specific sizes ({@code --connections}, {@code --points}, ...)
 */
public record ScenarioContext(int seconds, int repeat, Path outDir, Consumer<String> progress, Teardown teardown,
                              ScenarioOptions options) {

    public ScenarioContext {
        if (seconds <= 0) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: > 0)");
        }
        if (repeat <= 0) {
            throw new IllegalArgumentException("repeat: " + repeat + " (expected: > 0)");
        }
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(teardown, "teardown");
        Objects.requireNonNull(options, "options");
    }

    /** A context with {@link ScenarioOptions#DEFAULTS}. */
    public ScenarioContext(int seconds, int repeat, Path outDir, Consumer<String> progress, Teardown teardown) {
        this(seconds, repeat, outDir, progress, teardown, ScenarioOptions.DEFAULTS);
    }

    /** Reports one progress line. */
    public void progress(String line) {
        progress.accept(line);
    }
}
