package org.haap.config;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.haap.config.internal.InetLiterals;

/**
 * The address blocks the aggregation point never connects to on a client's behalf unless
 * {@code destinations.allow} names them: every row of the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890, updated by RFC 8190), plus the IPv4
 * multicast block and the IPv6 space outside global unicast {@code 2000::/3} from the
 * IANA address-space registries, plus two IPv6 forms that embed an IPv4 address and have
 * no registry row of their own.
 *
 * <p>This table, not {@code reference.conf}, is the authoritative list: an operator's
 * {@code destinations.deny} adds ranges to it and cannot drop a row by overriding a
 * HOCON list. Rows are matched most specific first; the matching row names the block in
 * check-config and in a refusal's reason.
 *
 * <p>HAAP denies every row, including the few the registry marks globally reachable
 * (anycast service addresses such as {@code 192.0.0.9/32} and the other sub-blocks of
 * {@code 192.0.0.0/24} and {@code 2001::/23}, AS112, AMT, ORCHIDv2, DETs): anycast reaches
 * the <em>nearest</em> instance, which may be inside the AP operator's own network, and none
 * is a TCP service a hybrid-access client needs through the AP. The exceptions are
 * {@code ::ffff:0:0/96} (IPv4-mapped: judged as its IPv4 address) and the NAT64
 * well-known prefix {@code 64:ff9b::/96} (judged by the IPv4 address it embeds, see
 * {@link DestinationPolicy}).
 *
 * <p>Registry contents as of the IPv4 registry update of 2024 and the IPv6 registry
 * update of 2025-10-09 (RFC 9780's dummy prefix).
 */
public final class SpecialPurposeBlocks {

    /** Where a row comes from. */
    public enum Source {
        IPV4_SPECIAL_PURPOSE("IPv4 special-purpose"),
        IPV6_SPECIAL_PURPOSE("IPv6 special-purpose"),
        IPV4_ADDRESS_SPACE("IPv4 address space"),
        IPV6_ADDRESS_SPACE("IPv6 address space"),
        /** A form defined by an RFC with no registry row of its own. */
        RFC("no registry row");

        private final String title;

        Source(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** The registry's "Globally Reachable" column. */
    public enum Reachability {
        GLOBAL("global"),
        NOT_GLOBAL("not global"),
        /** "N/A" in the registry (6to4, Teredo), or a deprecated row without the column. */
        NOT_APPLICABLE("global: N/A"),
        /** Reserved or not unicast: not global by definition (address-space rows and RFC forms). */
        NONE("not global unicast");

        private final String text;

        Reachability(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** What the aggregation point does with an address whose most specific row is this one. */
    public enum Handling {
        /** Refused unless {@code destinations.allow} names it. */
        DENY,
        /** Judged by the IPv4 address it embeds (the NAT64 well-known prefix). */
        EMBEDDED_IPV4,
        /** Judged as the IPv4 address it maps ({@code ::ffff:0:0/96}); never matched as IPv6. */
        AS_IPV4
    }

    /**
     * One row.
     *
     * @param prefix the block as the registry writes it
     * @param name the registry's name for it
     * @param reference the defining RFC(s)
     * @param source the registry the row comes from
     * @param reachability the registry's "Globally Reachable" value
     * @param handling what HAAP does with it
     * @param note how HAAP handles it when the registry's reachability does not say, or ""
     */
    public record Block(String prefix, String name, String reference, Source source, Reachability reachability,
            Handling handling, String note) {

        public Block {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(reachability, "reachability");
            Objects.requireNonNull(handling, "handling");
            Objects.requireNonNull(note, "note");
        }

        /** The range for matching ({@code ::ffff:0:0/96} reads as every IPv4 address: never match it). */
        public CidrRange range() {
            return CidrRange.parse(prefix);
        }

        /** {@code "127.0.0.0/8 Loopback (RFC 1122)"}. */
        public String describe() {
            return prefix + ' ' + name + " (" + reference + ')';
        }
    }

    private static final String ANYCAST = "anycast: may reach the AP's own network";

    private static final List<Block> ALL = List.of(
            // IANA IPv4 Special-Purpose Address Registry
            v4("0.0.0.0/8", "\"This network\"", "RFC 791 section 3.2", Reachability.NOT_GLOBAL),
            v4("0.0.0.0/32", "\"This host on this network\"", "RFC 1122 section 3.2.1.3", Reachability.NOT_GLOBAL),
            v4("10.0.0.0/8", "Private-Use", "RFC 1918", Reachability.NOT_GLOBAL),
            v4("100.64.0.0/10", "Shared Address Space", "RFC 6598", Reachability.NOT_GLOBAL),
            v4("127.0.0.0/8", "Loopback", "RFC 1122 section 3.2.1.3", Reachability.NOT_GLOBAL),
            v4("169.254.0.0/16", "Link Local", "RFC 3927", Reachability.NOT_GLOBAL),
            v4("172.16.0.0/12", "Private-Use", "RFC 1918", Reachability.NOT_GLOBAL),
            v4("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 section 2.1", Reachability.NOT_GLOBAL),
            v4("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", Reachability.NOT_GLOBAL),
            v4("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", Reachability.NOT_GLOBAL),
            v4global("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
            v4global("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
            v4("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 section 2.2", Reachability.NOT_GLOBAL),
            v4("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 section 2.2", Reachability.NOT_GLOBAL),
            v4("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", Reachability.NOT_GLOBAL),
            v4global("192.31.196.0/24", "AS112-v4", "RFC 7535"),
            v4global("192.52.193.0/24", "AMT", "RFC 7450"),
            v4("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", Reachability.NOT_APPLICABLE),
            v4("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", Reachability.NOT_GLOBAL),
            v4("192.168.0.0/16", "Private-Use", "RFC 1918", Reachability.NOT_GLOBAL),
            v4global("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
            v4("198.18.0.0/15", "Benchmarking", "RFC 2544", Reachability.NOT_GLOBAL),
            v4("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", Reachability.NOT_GLOBAL),
            v4("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", Reachability.NOT_GLOBAL),
            v4("240.0.0.0/4", "Reserved", "RFC 1112 section 4", Reachability.NOT_GLOBAL),
            v4("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 section 7", Reachability.NOT_GLOBAL),
            // IANA IPv4 Address Space Registry
            new Block("224.0.0.0/4", "Multicast", "RFC 5771", Source.IPV4_ADDRESS_SPACE, Reachability.NONE,
                    Handling.DENY, ""),

            // IANA IPv6 Special-Purpose Address Registry
            v6("::1/128", "Loopback Address", "RFC 4291", Reachability.NOT_GLOBAL),
            v6("::/128", "Unspecified Address", "RFC 4291", Reachability.NOT_GLOBAL),
            new Block("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", Source.IPV6_SPECIAL_PURPOSE,
                    Reachability.NOT_GLOBAL, Handling.AS_IPV4,
                    "judged as the IPv4 address"),
            new Block("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", Source.IPV6_SPECIAL_PURPOSE,
                    Reachability.GLOBAL, Handling.EMBEDDED_IPV4,
                    "judged by the embedded IPv4 address"),
            v6("64:ff9b:1::/48", "IPv4-IPv6 Translat. (local-use)", "RFC 8215", Reachability.NOT_GLOBAL),
            v6("100::/64", "Discard-Only Address Block", "RFC 6666", Reachability.NOT_GLOBAL),
            v6("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", Reachability.NOT_GLOBAL),
            v6("2001::/23", "IETF Protocol Assignments", "RFC 2928", Reachability.NOT_GLOBAL),
            new Block("2001::/32", "TEREDO", "RFC 4380, RFC 8190", Source.IPV6_SPECIAL_PURPOSE,
                    Reachability.NOT_APPLICABLE, Handling.DENY,
                    "reached through Teredo relays the operator does not run"),
            v6global("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", ANYCAST),
            v6global("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", ANYCAST),
            v6global("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", ANYCAST),
            v6("2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752", Reachability.NOT_GLOBAL),
            v6global("2001:3::/32", "AMT", "RFC 7450", ANYCAST),
            v6global("2001:4:112::/48", "AS112-v6", "RFC 7535", ANYCAST),
            new Block("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", Source.IPV6_SPECIAL_PURPOSE,
                    Reachability.NOT_APPLICABLE, Handling.DENY, ""),
            v6global("2001:20::/28", "ORCHIDv2", "RFC 7343", "identifiers, not locators"),
            v6global("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374",
                    "identifiers, not locators"),
            v6("2001:db8::/32", "Documentation", "RFC 3849", Reachability.NOT_GLOBAL),
            new Block("2002::/16", "6to4", "RFC 3056", Source.IPV6_SPECIAL_PURPOSE, Reachability.NOT_APPLICABLE,
                    Handling.DENY, "6to4 relays are deprecated (RFC 7526)"),
            v6global("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", ANYCAST),
            v6("3fff::/20", "Documentation", "RFC 9637", Reachability.NOT_GLOBAL),
            v6("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", Reachability.NOT_GLOBAL),
            v6("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", Reachability.NOT_GLOBAL),
            v6("fe80::/10", "Link-Local Unicast", "RFC 4291", Reachability.NOT_GLOBAL),

            // IPv6 forms that embed an IPv4 address, with no registry row of their own
            rfc("::/96", "IPv4-compatible Address (deprecated)", "RFC 4291 section 2.5.5.1"),
            rfc("::ffff:0:0:0/96", "IPv4-translated Address", "RFC 2765 section 2.1"),

            // IANA IPv6 Address Space Registry: everything outside global unicast 2000::/3
            space("::/8", "Reserved by IETF", "RFC 4291"),
            space("100::/8", "Reserved by IETF", "RFC 4291"),
            space("200::/7", "Reserved by IETF", "RFC 4048"),
            space("400::/6", "Reserved by IETF", "RFC 4291"),
            space("800::/5", "Reserved by IETF", "RFC 4291"),
            space("1000::/4", "Reserved by IETF", "RFC 4291"),
            space("4000::/3", "Reserved by IETF", "RFC 4291"),
            space("6000::/3", "Reserved by IETF", "RFC 4291"),
            space("8000::/3", "Reserved by IETF", "RFC 4291"),
            space("a000::/3", "Reserved by IETF", "RFC 4291"),
            space("c000::/3", "Reserved by IETF", "RFC 4291"),
            space("e000::/4", "Reserved by IETF", "RFC 4291"),
            space("f000::/5", "Reserved by IETF", "RFC 4291"),
            space("f800::/6", "Reserved by IETF", "RFC 4291"),
            space("fe00::/9", "Reserved by IETF", "RFC 4291"),
            space("fec0::/10", "Site-Local Unicast (deprecated)", "RFC 3879"),
            space("ff00::/8", "Multicast", "RFC 4291"));

    /** The rows that are matched (all but {@link Handling#AS_IPV4}), most specific first. */
    private static final List<Matcher> MATCHERS = ALL.stream()
            .filter(b -> b.handling() != Handling.AS_IPV4)
            .map(b -> new Matcher(b, b.range()))
            .sorted(Comparator.comparingInt((Matcher m) -> m.range.prefixLength()).reversed())
            .toList();

    private record Matcher(Block block, CidrRange range) {
    }

    private SpecialPurposeBlocks() {
    }

    /** Every row, in registry order (IPv4 special-purpose, IPv4 space, IPv6 special-purpose, IPv6 forms, IPv6 space). */
    public static List<Block> all() {
        return ALL;
    }

    /**
     * The most specific row containing {@code address}, or empty for an address in no row
     * (global unicast). An IPv4-mapped IPv6 address is looked up as its IPv4 address.
     */
    public static Optional<Block> match(InetAddress address) {
        InetAddress a = InetLiterals.unmap(address);
        for (Matcher m : MATCHERS) {
            if (m.range.contains(a)) {
                return Optional.of(m.block);
            }
        }
        return Optional.empty();
    }

    private static Block v4(String prefix, String name, String reference, Reachability reachability) {
        return new Block(prefix, name, reference, Source.IPV4_SPECIAL_PURPOSE, reachability, Handling.DENY, "");
    }

    private static Block v4global(String prefix, String name, String reference) {
        return new Block(prefix, name, reference, Source.IPV4_SPECIAL_PURPOSE, Reachability.GLOBAL, Handling.DENY,
                ANYCAST);
    }

    private static Block v6(String prefix, String name, String reference, Reachability reachability) {
        return new Block(prefix, name, reference, Source.IPV6_SPECIAL_PURPOSE, reachability, Handling.DENY, "");
    }

    private static Block v6global(String prefix, String name, String reference, String note) {
        return new Block(prefix, name, reference, Source.IPV6_SPECIAL_PURPOSE, Reachability.GLOBAL, Handling.DENY,
                note);
    }

    private static Block rfc(String prefix, String name, String reference) {
        return new Block(prefix, name, reference, Source.RFC, Reachability.NONE, Handling.DENY,
                "an obsolete form of an IPv4 address");
    }

    private static Block space(String prefix, String name, String reference) {
        return new Block(prefix, name, reference, Source.IPV6_ADDRESS_SPACE, Reachability.NONE, Handling.DENY, "");
    }
}
