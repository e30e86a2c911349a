package org.haap.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.haap.config.SpecialPurposeBlocks.Block;
import org.haap.config.SpecialPurposeBlocks.Handling;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.EmbeddedIpv4;
import org.haap.config.internal.EmbeddedIpv4.Embedded;
import org.haap.config.internal.InetLiterals;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * Which destinations the aggregation point connects to on a client's behalf
 * ({@code haap.aggregation-point.destinations}).
 *
 * <p>An address is judged in this order; the first step that decides, decides:
 * <ol>
 *   <li>a rule of {@code allow} that names the address and port: allowed;</li>
 *   <li>a range of {@code deny}: denied;</li>
 *   <li>a row of the built-in {@link SpecialPurposeBlocks} table (the IANA special-purpose
 *       registries and more), most specific row first: denied, except the NAT64
 *       well-known prefix; skipped for an address under a configured
 *       {@code nat64-prefixes} prefix (the operator says a translator is there);</li>
 *   <li>one of the AP's own addresses, with {@code deny-own-addresses}: denied;</li>
 *   <li>otherwise allowed.</li>
 * </ol>
 * An IPv4-mapped destination ({@code ::ffff:a.b.c.d}) is judged as its IPv4 address. An
 * IPv6 destination that embeds IPv4 addresses ({@link EmbeddedIpv4}: NAT64 under the
 * well-known, local-use or a configured prefix, 6to4, Teredo, IPv4-compatible,
 * IPv4-translated) is allowed only if it is allowed itself <em>and</em> each embedded IPv4
 * address is allowed by the same steps with the same port: an allow rule for the IPv6
 * form never lets the AP reach, say, {@code 169.254.169.254} through
 * {@code 64:ff9b::a9fe:a9fe}.
 *
 * @param allow rules always allowed (address and ports); override {@code deny}, the
 *     built-in table and own addresses, but not a denied embedded IPv4 address
 * @param deny ranges denied on top of the built-in table, unless allowed
 * @param nat64Prefixes the operator's NAT64 prefixes (RFC 6052 lengths); an address under
 *     one is judged by its embedded IPv4 address instead of by the built-in table
 * @param denyOwnAddresses whether the AP's own addresses are denied unless allowed
 */
public record DestinationPolicy(AllowList allow, CidrSet deny, List<CidrRange> nat64Prefixes,
        boolean denyOwnAddresses) {

    /** Where the prefix of a configured NAT64 prefix may lie: RFC 8215 local use, unique local or global unicast. */
    private static final CidrSet NAT64_PREFIX_SPACE = CidrSet.of("64:ff9b::/96", "64:ff9b:1::/48", "fc00::/7",
            "2000::/3");

    public DestinationPolicy {
        Objects.requireNonNull(allow, "allow");
        Objects.requireNonNull(deny, "deny");
        nat64Prefixes = List.copyOf(nat64Prefixes);
    }

    /** What decided a {@link Verdict}; a small fixed set, usable as a metric label ({@link #label()}). */
    public enum Basis {
        /** A rule of {@code allow} named the destination. */
        ALLOW_RULE(true),
        /** Nothing denied it. */
        NOT_DENIED(true),
        /** A range of {@code deny}. */
        DENY_RULE(false),
        /** A row of the built-in {@link SpecialPurposeBlocks} table. */
        SPECIAL_PURPOSE(false),
        /** An embedded IPv4 address is denied (or a NAT64 address breaks RFC 6052). */
        EMBEDDED_IPV4(false),
        /** One of the AP's own addresses. */
        OWN_ADDRESS(false);

        private final boolean allows;

        Basis(boolean allows) {
            this.allows = allows;
        }

        /** {@code "special_purpose"}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A decision and why.
     *
     * @param basis what decided (allowed or not follows from it)
     * @param reason for the log: the rule or block, e.g. {@code "127.0.0.0/8 Loopback (RFC 1122 ...)"}
     */
    public record Verdict(Basis basis, String reason) {
        public Verdict {
            Objects.requireNonNull(basis, "basis");
            Objects.requireNonNull(reason, "reason");
        }

        public boolean allowed() {
            return basis.allows;
        }

        @Override
        public String toString() {
            return (allowed() ? "allowed: " : "denied: ") + reason;
        }
    }

    /**
     * Whether the AP may connect to {@code destination} (address and port).
     *
     * @param ownAddresses the AP's own addresses (e.g. of every local interface)
     */
    public boolean decide(InetSocketAddress destination, Set<InetAddress> ownAddresses) {
        return verdict(destination, ownAddresses).allowed();
    }

    /** The decision for {@code destination} and its reason. */
    public Verdict verdict(InetSocketAddress destination, Set<InetAddress> ownAddresses) {
        if (destination.isUnresolved()) {
            throw new IllegalArgumentException("destination: " + destination + " (expected: a resolved address)");
        }
        return verdict(destination.getAddress(), destination.getPort(), ownAddresses);
    }

    /**
     * The decision for {@code port} of {@code destination}; a negative port means unknown
     * (only {@code allow} rules for every port apply).
     */
    public Verdict verdict(InetAddress destination, int port, Set<InetAddress> ownAddresses) {
        InetAddress dst = InetLiterals.unmap(destination);
        Verdict literal = judge(dst, port, ownAddresses);
        if (!literal.allowed() || !(dst instanceof Inet6Address v6)) {
            return literal;
        }
        for (Embedded e : EmbeddedIpv4.find(v6, nat64Prefixes)) {
            String embedded = InetLiterals.format(e.ipv4());
            if (!e.wellFormed()) {
                return new Verdict(Basis.EMBEDDED_IPV4, e.form() + " with a non-zero u octet (bits 64..71,"
                        + " RFC 6052 section 2.2) around " + embedded);
            }
            Verdict inner = judge(e.ipv4(), port, ownAddresses);
            if (!inner.allowed()) {
                return new Verdict(Basis.EMBEDDED_IPV4, e.form() + " embeds " + embedded + ": " + inner.reason());
            }
        }
        return literal;
    }

    /** Steps 1-5 of the class comment for one address (IPv4, or IPv6 that is not IPv4-mapped). */
    private Verdict judge(InetAddress dst, int port, Set<InetAddress> ownAddresses) {
        int allowed = allow.indexOf(dst, port);
        if (allowed >= 0) {
            return new Verdict(Basis.ALLOW_RULE, "allow[" + allowed + "] " + allow.rules().get(allowed));
        }
        for (int i = 0; i < deny.ranges().size(); i++) {
            if (deny.ranges().get(i).contains(dst)) {
                return new Verdict(Basis.DENY_RULE, "deny[" + i + "] " + deny.ranges().get(i));
            }
        }
        if (!underNat64Prefix(dst)) {
            Optional<Block> block = SpecialPurposeBlocks.match(dst);
            if (block.isPresent() && block.get().handling() == Handling.DENY) {
                return new Verdict(Basis.SPECIAL_PURPOSE, block.get().describe());
            }
        }
        if (denyOwnAddresses) {
            byte[] bytes = dst.getAddress();
            for (InetAddress own : ownAddresses) {
                if (Arrays.equals(InetLiterals.unmap(own).getAddress(), bytes)) {
                    return new Verdict(Basis.OWN_ADDRESS, "an address of the AP itself (deny-own-addresses)");
                }
            }
        }
        return new Verdict(Basis.NOT_DENIED, "not in a denied block");
    }

    /**
     * The effective policy, one line per rule in the order {@link #verdict} applies them,
     * for {@code check-config}: allow rules with ports, deny ranges, the built-in blocks
     * with their registry names, NAT64 prefixes, the embedded-IPv4 forms and own addresses.
     */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("destinations, in the order applied (built-in blocks most specific first;"
                + " an embedded IPv4 address must pass too):");
        for (int i = 0; i < allow.rules().size(); i++) {
            lines.add(row("allow", allow.rules().get(i).toString(), "allow[" + i + "]"));
        }
        for (int i = 0; i < deny.ranges().size(); i++) {
            lines.add(row("deny", deny.ranges().get(i).toString(), "deny[" + i + "]"));
        }
        for (int i = 0; i < nat64Prefixes.size(); i++) {
            lines.add(row("nat64", nat64Prefixes.get(i).toString(), "nat64-prefixes[" + i
                    + "]: judged by the embedded IPv4 address, not by the blocks below"));
        }
        for (Block b : SpecialPurposeBlocks.all()) {
            String verb = switch (b.handling()) {
                case DENY -> "deny";
                case EMBEDDED_IPV4 -> "nat64";
                case AS_IPV4 -> "ipv4";
            };
            String source = b.source() == SpecialPurposeBlocks.Source.RFC ? "" : b.source().title() + ", ";
            lines.add(row(verb, b.prefix(), b.name() + ", " + b.reference() + " [" + source + b.reachability().text()
                    + (b.note().isEmpty() ? "" : "; " + b.note()) + ']'));
        }
        lines.add(row("embed", "IPv4 checked in", "NAT64 (64:ff9b::/96, 64:ff9b:1::/48, nat64-prefixes), 6to4,"
                + " Teredo server and client, IPv4-compatible, IPv4-translated"));
        lines.add(row("own", "deny-own-addresses", denyOwnAddresses
                ? "true: the AP's own addresses are denied" : "false: the AP's own addresses are not denied"));
        lines.add(row("allow", "everything else", ""));
        return lines;
    }

    private static String row(String verb, String what, String why) {
        return String.format(Locale.ROOT, "  %-5s  %-22s %s", verb, what, why).stripTrailing();
    }

    private boolean underNat64Prefix(InetAddress dst) {
        for (CidrRange p : nat64Prefixes) {
            if (p.contains(dst)) {
                return true;
            }
        }
        return false;
    }

    /** Parses one {@code nat64-prefixes} entry: an IPv6 prefix of an RFC 6052 length in a space a translator may use. */
    static CidrRange parseNat64Prefix(String text) {
        if (text.indexOf('/') < 0) {
            throw new BadValue(text, "an IPv6 prefix with its length, e.g. 2001:db8:64::/96");
        }
        CidrRange range = CidrRange.parse(text);
        if (!(range.network() instanceof Inet6Address)) {
            throw new BadValue(text, "an IPv6 prefix");
        }
        if (!EmbeddedIpv4.NAT64_PREFIX_LENGTHS.contains(range.prefixLength())) {
            throw new BadValue(text, "a prefix length of 32, 40, 48, 56, 64 or 96 (RFC 6052 section 2.2)");
        }
        if (range.prefixLength() == 96 && range.network().getAddress()[8] != 0) {
            throw new BadValue(text, "bits 64..71 (the u octet) zero (RFC 6052 section 2.2)");
        }
        if (NAT64_PREFIX_SPACE.ranges().stream().noneMatch(
                space -> space.prefixLength() <= range.prefixLength() && space.contains(range.network()))) {
            throw new BadValue(text, "a prefix in 64:ff9b::/96, 64:ff9b:1::/48 (RFC 8215), fc00::/7 or 2000::/3");
        }
        return range;
    }

    static DestinationPolicy read(Section s) {
        Problems p = new Problems();
        List<AllowRule> allow = p.read(() -> s.parseEachIndexed("allow", AllowRule::parse));
        List<CidrRange> deny = p.read(() -> s.parseEachIndexed("deny", CidrRange::parse));
        List<CidrRange> nat64 = p.read(() -> s.parseEachIndexed("nat64-prefixes", DestinationPolicy::parseNat64Prefix));
        Boolean denyOwn = p.read(() -> s.bool("deny-own-addresses"));
        p.throwIfAny();
        return new DestinationPolicy(new AllowList(allow), new CidrSet(deny), nat64, denyOwn);
    }
}
