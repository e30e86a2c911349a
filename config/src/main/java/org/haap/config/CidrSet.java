package org.haap.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.haap.config.internal.InetLiterals;
import org.haap.config.internal.Section;

/**
 * A list of address ranges; an address is in the set if any range contains it. Meant for
 * the short lists of a config file (a linear scan per lookup).
 *
 * @param ranges the ranges, in the order written
 */
public record CidrSet(List<CidrRange> ranges) {

    /** No range: contains nothing. */
    public static final CidrSet EMPTY = new CidrSet(List.of());

    public CidrSet {
        ranges = List.copyOf(ranges);
    }

    /** Parses each range with {@link CidrRange#parse}. */
    public static CidrSet of(String... ranges) {
        return new CidrSet(Arrays.stream(ranges).map(CidrRange::parse).collect(Collectors.toList()));
    }

    /** Whether any range contains {@code address} (IPv4-mapped IPv6 counts as IPv4). */
    public boolean contains(InetAddress address) {
        InetAddress unmapped = InetLiterals.unmap(address);
        for (CidrRange range : ranges) {
            if (range.contains(unmapped)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    static CidrSet read(Section s, String name) {
        return new CidrSet(s.parseEach(name, CidrRange::parse));
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
