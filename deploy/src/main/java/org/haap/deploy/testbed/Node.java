package org.haap.deploy.testbed;

/**
 * The testbed's network namespaces, in path order. Each namespace's name is the
 * testbed's prefix plus {@link #suffix()}, for example {@code haap-cpe}.
 */
public enum Node {
    /** An unmodified LAN host. */
    CLIENT("client"),
    /** The home router: runs the client gateway. */
    CPE("cpe"),
    /** The DSL access network: shaping, delay line, loss. */
    DSL("dsl"),
    /** The LTE access network: shaping, delay line, loss. */
    LTE("lte"),
    /** The data centre: runs the aggregation point and routes to the server net. */
    AP("ap"),
    /** Test servers on the Internet side. */
    SERVER("server");

    private final String suffix;

    Node(String suffix) {
        this.suffix = suffix;
    }

    /** The part of the namespace name after the prefix. */
    public String suffix() {
        return suffix;
    }
}
