package org.haap.loadtest.aprelay;

/** How the client reaches the bulk server in one measurement. */
public enum Mode {
    /** MPTCP straight to the server, routed through the AP's namespace: the kernel alone. */
    BASELINE("baseline", false),
    /** MPTCP to the AP (splice on, its default), which relays over plain TCP to the server. */
    RELAY_SPLICE("relay-splice", true),
    /** The same with {@code relay.splice = false}: the AP copies through pooled buffers. */
    RELAY_COPY("relay-copy", true);

    private final String label;
    private final boolean relayed;

    Mode(String label, boolean relayed) {
        this.label = label;
        this.relayed = relayed;
    }

    /** The name in tables and JSON. */
    public String label() {
        return label;
    }

    /** Whether the connection goes through the aggregation point. */
    public boolean relayed() {
        return relayed;
    }
}
