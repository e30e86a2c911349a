package org.haap.loadtest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Undo actions, run once in reverse order of registration: by the scenario's normal end,
 * after a failure, or from a JVM shutdown hook on Ctrl-C, whichever comes first. Every
 * action runs even if an earlier one fails; the failures are returned. Thread-safe.
 */
public final class Teardown {

    /** One undo action. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private final Deque<Named> actions = new ArrayDeque<>();

    private record Named(String name, Action action) {
    }

    /** Registers {@code action}, described by {@code name} in failure messages. */
    public synchronized void add(String name, Action action) {
        actions.push(new Named(name, action));
    }

    /** The number of actions not run yet. */
    public synchronized int pending() {
        return actions.size();
    }

    /**
     * Runs every registered action not run yet, newest first.
     *
     * @return one message per action that failed (empty when all succeeded)
     */
    public synchronized List<String> runAll() {
        List<String> failures = new ArrayList<>();
        while (!actions.isEmpty()) {
            Named n = actions.pop();
            try {
                n.action().run();
            } catch (Exception e) {
                failures.add(n.name() + ": " + e);
            }
        }
        return failures;
    }
}
