package org.haap.deploy.testbed;

import java.util.List;

/**
 * The outcome of a command run to completion.
 *
 * @param command the command line
 * @param exitCode its exit code
 * @param stdout everything it printed on standard output
 * @param stderr everything it printed on standard error
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** Whether the command exited with 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result if the command succeeded, else throws naming it and its stderr. */
    public ExecResult check() {
        if (!ok()) {
            throw new TestbedException(String.join(" ", command) + " exited with " + exitCode + ": " + stderr.strip());
        }
        return this;
    }
}
