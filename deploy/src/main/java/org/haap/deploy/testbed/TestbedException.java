package org.haap.deploy.testbed;

/** A testbed operation failed: a command exited non-zero, timed out, or a process did not start. */
public final class TestbedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public TestbedException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public TestbedException(String message, Throwable cause) {
        super(message, cause);
    }
}
