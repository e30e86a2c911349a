package org.haap.loadtest.failover;

import java.util.List;
import java.util.Locale;

/** A DSL failure the {@code failover} scenario injects into a running transfer. */
public enum Fault {
    /** {@code ip link set dsl down} in the CPE namespace: the gateway sees the link go down. */
    LINK_DOWN("link-down"),
    /**
     * Every packet on the DSL link dropped in both directions while both ends stay up: a
     * silent blackhole the CPE only notices by the missing answers.
     */
    BLACKHOLE("blackhole");

    /** The faults measured when {@code --faults} is not given. */
    public static final List<Fault> DEFAULTS = List.of(LINK_DOWN, BLACKHOLE);

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    /** The name used on the command line and in results, e.g. {@code link-down}. */
    public String label() {
        return label;
    }

    /** Parses {@code link-down} or {@code blackhole} (any case). */
    public static Fault parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        for (Fault f : values()) {
            if (f.label.equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("fault: " + s + " (expected: link-down or blackhole)");
    }

    @Override
    public String toString() {
        return label;
    }
}
