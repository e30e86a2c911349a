package org.haap.loadtest;

/**
 * One load test: a named measurement that is bounded in time and count, stops by itself,
 * and registers everything it creates (namespaces, processes) with the context's
 * {@link Teardown} so that it is removed on success, failure and Ctrl-C alike.
 */
public interface Scenario {

    /** The name used on the command line, e.g. {@code ap-relay}. */
    String name();

    /** One line for {@code --help}: what the scenario measures. */
    String description();

    /**
     * Where the result files go when {@code --out} is not given, or {@code null} for
     * nowhere (the default).
     */
    default java.nio.file.Path defaultOutDir() {
        return null;
    }

    /**
     * Runs the measurement. Reports progress with {@link ScenarioContext#progress}; must
     * not print to stdout.
     *
     * @throws Exception if the measurement could not be made (the teardown still runs)
     */
    ScenarioResult run(ScenarioContext context) throws Exception;
}
