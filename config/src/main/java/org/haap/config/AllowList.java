package org.haap.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code destinations.allow} rules, in the order written (a linear scan per lookup, as
 * for {@link CidrSet}).
 *
 * @param rules the rules
 */
public record AllowList(List<AllowRule> rules) {

    /** No rule: allows nothing by itself. */
    public static final AllowList EMPTY = new AllowList(List.of());

    public AllowList {
        rules = List.copyOf(rules);
    }

    /** Parses each rule with {@link AllowRule#parse}. */
    public static AllowList of(String... rules) {
        return new AllowList(Arrays.stream(rules).map(AllowRule::parse).toList());
    }

    /**
     * The index of the first rule that allows {@code port} of {@code address}, or -1; a
     * negative port means "unknown" and matches only rules for every port.
     */
    public int indexOf(InetAddress address, int port) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).allows(address, port)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a rule allows {@code port} of {@code address}. */
    public boolean allows(InetAddress address, int port) {
        return indexOf(address, port) >= 0;
    }

    /** Whether a rule allows every port of {@code address}. */
    public boolean contains(InetAddress address) {
        return indexOf(address, -1) >= 0;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
