package org.haap.deploy.testbed;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A named testbed configuration: one {@link LinkSpec} per WAN and the WAN the CPE's main
 * routing table uses as default route.
 *
 * @param name the profile's name as given to {@code ./haap testbed up --profile NAME}
 * @param dsl the DSL link
 * @param lte the LTE link
 * @param defaultWan the WAN of the CPE's default route
 */
public record Profile(String name, LinkSpec dsl, LinkSpec lte, Wan defaultWan) {

    /** DSL 16 Mbit/s 20 ms RTT, LTE 24 Mbit/s 40 ms RTT, default route via DSL. */
    public static final Profile DEFAULT = new Profile("default", LinkSpec.of(16, 20), LinkSpec.of(24, 40), Wan.DSL);
    /** Both 10 Mbit/s, DSL 20 ms and LTE 40 ms RTT, default route via LTE (the RobE paper's set-up). */
    public static final Profile ROBE_PAPER = new Profile("robe-paper", LinkSpec.of(10, 20), LinkSpec.of(10, 40), Wan.LTE);
    /** No shaping, no delay, default route via DSL. */
    public static final Profile FAST = new Profile("fast", LinkSpec.UNLIMITED, LinkSpec.UNLIMITED, Wan.DSL);

    /** Validates the fields. */
    public Profile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dsl, "dsl");
        Objects.requireNonNull(lte, "lte");
        Objects.requireNonNull(defaultWan, "defaultWan");
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("name: " + name + " (expected: [a-z0-9][a-z0-9-]*)");
        }
    }

    /** The built-in profiles. */
    public static List<Profile> builtIn() {
        return List.of(DEFAULT, ROBE_PAPER, FAST);
    }

    /** A built-in profile by name. */
    public static Profile byName(String name) {
        for (Profile p : builtIn()) {
            if (p.name().equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("profile: " + name + " (expected: default, robe-paper or fast)");
    }

    /** The spec of one WAN. */
    public LinkSpec link(Wan wan) {
        return wan == Wan.DSL ? dsl : lte;
    }

    /** This profile with another spec for one WAN. */
    public Profile withLink(Wan wan, LinkSpec spec) {
        return wan == Wan.DSL ? new Profile(name, spec, lte, defaultWan) : new Profile(name, dsl, spec, defaultWan);
    }
}
