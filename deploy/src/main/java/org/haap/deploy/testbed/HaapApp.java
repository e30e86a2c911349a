package org.haap.deploy.testbed;

/**
 * The two HAAP applications the testbed runs, with what starting one needs: the main
 * class, the line it prints once its listeners are open, and its role name (the JVM
 * options file {@code deploy/jvm/ROLE.options}). {@link Testbed#startHaap} starts one and
 * waits for that line: the one way the demo, the tests and the load tests start them.
 */
public enum HaapApp {
    /** The aggregation point. */
    AGGREGATION_POINT("aggregation-point", "org.haap.ap.Main", "haap ap: listening on"),
    /** The client gateway. */
    GATEWAY("gateway", "org.haap.gateway.Main", "haap gateway: listening on");

    private final String role;
    private final String mainClass;
    private final String readyLine;

    HaapApp(String role, String mainClass, String readyLine) {
        this.role = role;
        this.mainClass = mainClass;
        this.readyLine = readyLine;
    }

    /** {@code aggregation-point} or {@code gateway}. */
    public String role() {
        return role;
    }

    /** The main class, taking {@code --config FILE}. */
    public String mainClass() {
        return mainClass;
    }

    /** What the application prints once it listens. */
    public String readyLine() {
        return readyLine;
    }
}
