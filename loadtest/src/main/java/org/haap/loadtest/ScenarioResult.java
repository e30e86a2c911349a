package org.haap.loadtest;

import java.util.Map;

/** What a {@link Scenario} measured, for people ({@link #table}) and for machines ({@link #toJson}). */
public interface ScenarioResult {

    /** The human table printed at the end of a run, with any notes under it. */
    String table();

    /**
     * The result as a JSON object: a map whose values {@link Json#write} can render. By
     * convention it contains {@code "scenario"} (the name) and the run's parameters.
     */
    Map<String, Object> toJson();

    /**
     * Further files written next to the table and the JSON with {@code --out}, keyed by file
     * extension (for example {@code "png"} for a plot). None by default.
     */
    default Map<String, byte[]> files() {
        return Map.of();
    }
}
