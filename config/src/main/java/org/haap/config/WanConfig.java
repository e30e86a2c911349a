package org.haap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * One WAN link of the gateway: an element of {@code haap.gateway.wan}. The list's order is
 * the order of preference: the first WAN is the primary.
 *
 * @param name the link's name, also its Prometheus label value: matches
 *     {@code [a-z0-9][a-z0-9_-]{0,15}}, unique
 * @param interfaceName the network interface (e.g. {@code dsl0}), unique
 * @param source the link's own address, IPv4 or IPv6; subflows on this link use it
 * @param source6 the link's IPv6 address besides an IPv4 {@code source}, or {@code null}
 * @param table the routing table that holds this link's routes (used by the
 *     {@code from source lookup table} rule); 1..2^31-1, not 253..255
 * @param backup whether subflows on this link are MPTCP backup subflows (used only while
 *     no other subflow works)
 * @param probeInterval how often the link monitor probes this link, at least
 *     {@value LinkMonitorSettings#MIN_INTERVAL_MILLIS} ms; empty = {@code link-monitor.probe.interval}
 *     (see {@link LinkMonitorSettings#intervalFor})
 */
public record WanConfig(String name, String interfaceName, InetAddress source, InetAddress source6, int table,
        boolean backup, Optional<Duration> probeInterval) {

    /** The most WAN links: the kernel allows at most 8 subflows per MPTCP connection. */
    public static final int MAX_WANS = 8;

    /** The routing table of {@code wan[i]} when none is set: {@value}{@code + i + 1}. */
    public static final int DEFAULT_TABLE_BASE = 100;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,15}");
    private static final Pattern INTERFACE = Pattern.compile("[^/:\\s]{1,15}");

    /** Each element's known keys; {@code null} = no default. Documented in reference.conf. */
    private static final Config TEMPLATE = ConfigFactory.parseString(
            "name = null, interface = null, source = null, source6 = null, table = null, backup = false,"
            + " probe-interval = null");

    public WanConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(probeInterval, "probeInterval");
        if (source6 != null && !(source6 instanceof Inet6Address)) {
            throw new IllegalArgumentException("source6: " + source6 + " (expected: an IPv6 address)");
        }
    }

    /** The link's addresses: {@code source} and, if set, {@code source6}. */
    public List<InetAddress> addresses() {
        return source6 == null ? List.of(source) : List.of(source, source6);
    }

    /** The link's address of {@code peer}'s family (IPv4 or IPv6), or {@code null} if it has none. */
    public InetAddress sourceFor(InetAddress peer) {
        for (InetAddress address : addresses()) {
            if ((address instanceof Inet6Address) == (peer instanceof Inet6Address)) {
                return address;
            }
        }
        return null;
    }

    /**
     * Reads {@code wan} of the gateway section: 1..{@value #MAX_WANS} links, names,
     * interfaces, addresses and tables unique, at least one link not a backup.
     *
     * @param aggregationPoint the AP's address, to check every link has an address of its
     *     family; {@code null} to skip that check (the AP's address is itself in error)
     */
    static List<WanConfig> readAll(Section gateway, InetAddress aggregationPoint) {
        List<Section> elements = gateway.objects("wan",
                "a list of WAN objects such as { name = dsl, interface = dsl0, source = \"198.51.100.2\" }", TEMPLATE);
        if (elements.isEmpty()) {
            throw gateway.invalid("wan", "1.." + MAX_WANS + " WAN links");
        }
        if (elements.size() > MAX_WANS) {
            throw ConfigError.invalid(gateway.key("wan"), elements.size() + " WAN links", "1.." + MAX_WANS);
        }
        Problems p = new Problems();
        int n = elements.size();
        String[] names = new String[n];
        String[] interfaces = new String[n];
        InetAddress[] sources = new InetAddress[n];
        InetAddress[] sources6 = new InetAddress[n];
        Integer[] tables = new Integer[n];
        Boolean[] backups = new Boolean[n];
        List<Optional<Duration>> probeIntervals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Section s = elements.get(i);
            int index = i;
            p.add(s.unknownKeys());
            names[i] = p.read(() -> s.parseString("name", "a link name such as dsl", WanConfig::checkName));
            interfaces[i] = p.read(() -> s.parseString("interface", "a network interface name such as dsl0",
                    WanConfig::checkInterface));
            sources[i] = p.read(() -> unicast(s, "source"));
            sources6[i] = p.read(() -> source6(s, sources[index]));
            tables[i] = p.read(() -> table(s, index));
            backups[i] = p.read(() -> s.bool("backup"));
            probeIntervals.add(p.read(() -> probeInterval(s)));
            if (aggregationPoint != null && sources[i] != null) {
                p.check(() -> checkReaches(s, sources[index], sources6[index], aggregationPoint));
            }
        }
        unique(p, elements, "name", names, "a name");
        unique(p, elements, "interface", interfaces, "an interface");
        unique(p, elements, "table", tables, "a table");
        uniqueAddresses(p, elements, sources, sources6);
        p.throwIfAny();
        List<WanConfig> wans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            wans.add(new WanConfig(names[i], interfaces[i], sources[i], sources6[i], tables[i], backups[i],
                    probeIntervals.get(i)));
        }
        if (wans.stream().allMatch(WanConfig::backup)) {
            throw ConfigError.invalid(gateway.key("wan"), "every link has backup = true",
                    "at least one link with backup = false");
        }
        return List.copyOf(wans);
    }

    private static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new BadValue(name,
                    "1..16 characters of a-z, 0-9, '_' and '-', starting with a letter or digit");
        }
        return name;
    }

    private static String checkInterface(String name) {
        if (!INTERFACE.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new BadValue(name,
                    "a network interface name of 1..15 characters without '/', ':' or whitespace");
        }
        return name;
    }

    private static InetAddress unicast(Section s, String name) {
        InetAddress address = s.address(name);
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isMulticastAddress()) {
            throw s.invalid(name, "a unicast address of the link, not a wildcard, loopback or multicast address");
        }
        return address;
    }

    private static InetAddress source6(Section s, InetAddress source) {
        if (!s.isSet("source6")) {
            return null;
        }
        InetAddress address = unicast(s, "source6");
        if (!(address instanceof Inet6Address)) {
            throw s.invalid("source6", "an IPv6 address");
        }
        if (source instanceof Inet6Address) {
            throw s.invalid("source6", "unset while source is IPv6");
        }
        return address;
    }

    private static int table(Section s, int index) {
        if (!s.isSet("table")) {
            return DEFAULT_TABLE_BASE + index + 1;
        }
        int table = s.intInRange("table", 1, Integer.MAX_VALUE);
        if (table >= 253 && table <= 255) {
            throw s.invalid("table", "not 253..255 (the kernel's default, main and local tables)");
        }
        return table;
    }

    private static Optional<Duration> probeInterval(Section s) {
        return s.isSet("probe-interval")
                ? Optional.of(s.durationAtLeastMillis("probe-interval", LinkMonitorSettings.MIN_INTERVAL_MILLIS))
                : Optional.empty();
    }

    private static void checkReaches(Section s, InetAddress source, InetAddress source6, InetAddress ap) {
        if (ap instanceof Inet4Address && !(source instanceof Inet4Address)) {
            throw s.invalid("source", "an IPv4 address: the aggregation point's address is IPv4");
        }
        if (ap instanceof Inet6Address && !(source instanceof Inet6Address) && source6 == null) {
            throw s.invalid("source6", "an IPv6 address: the aggregation point's address is IPv6");
        }
    }

    private static <T> void unique(Problems p, List<Section> elements, String key, T[] values, String what) {
        Map<T, Integer> first = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                continue;
            }
            Integer earlier = first.putIfAbsent(values[i], i);
            if (earlier != null) {
                Section s = elements.get(i);
                String expected = what + " not used by wan[" + earlier + ']';
                p.add(List.of(s.isSet(key)
                        ? s.invalid(key, expected)
                        : ConfigError.invalid(s.key(key), "default " + values[i], expected)));
            }
        }
    }

    private static void uniqueAddresses(Problems p, List<Section> elements, InetAddress[] sources,
            InetAddress[] sources6) {
        Map<InetAddress, Integer> first = new HashMap<>();
        for (int i = 0; i < sources.length; i++) {
            for (String key : List.of("source", "source6")) {
                InetAddress address = key.equals("source") ? sources[i] : sources6[i];
                if (address == null) {
                    continue;
                }
                Integer earlier = first.putIfAbsent(address, i);
                if (earlier != null) {
                    p.add(List.of(elements.get(i).invalid(key, "an address not used by wan[" + earlier + ']')));
                }
            }
        }
    }
}
