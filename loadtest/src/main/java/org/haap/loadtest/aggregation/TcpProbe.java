package org.haap.loadtest.aggregation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Testbed;

/**
 * What the kernel of one testbed namespace says about its TCP: the segment counters of
 * {@code /proc/net/snmp} and {@code /proc/net/netstat} (MPTCP subflows are TCP and count
 * there too), and the congestion control {@code ss -ti} shows on the sockets of a port.
 * {@code aggregation} and {@code pageload} read their retransmitted share here.
 */
public final class TcpProbe {

    /**
     * Data segments a namespace sent: {@code TcpExt TCPOrigDataSent} (first transmissions,
     * pure ACKs not counted) and {@code Tcp RetransSegs}.
     */
    public record Segments(long original, long retransmitted) {

        /** What was sent since {@code earlier}. */
        public Segments minus(Segments earlier) {
            return new Segments(original - earlier.original, retransmitted - earlier.retransmitted);
        }

        /** Retransmitted over all data segments sent, in percent; NaN when none was sent. */
        public double retransmittedPct() {
            long all = original + retransmitted;
            return all == 0 ? Double.NaN : 100.0 * retransmitted / all;
        }
    }

    private TcpProbe() {
    }

    /** The segment counters of {@code node}'s namespace now. */
    public static Segments segments(Testbed tb, Node node) {
        String text = tb.exec(node, "cat", "/proc/net/snmp", "/proc/net/netstat").check().stdout();
        return parseSegments(text);
    }

    /** The segment counters of several namespaces now, added up. */
    public static Segments segments(Testbed tb, List<Node> nodes) {
        Segments sum = new Segments(0, 0);
        for (Node n : nodes) {
            Segments s = segments(tb, n);
            sum = new Segments(sum.original + s.original, sum.retransmitted + s.retransmitted);
        }
        return sum;
    }

    /**
     * Every counter of {@code node}'s {@code /proc/net/snmp} and {@code /proc/net/netstat}
     * now, named {@code Group:Name} ({@code Tcp:RetransSegs}, {@code MPTcpExt:MPTCPRetrans}).
     */
    public static Map<String, Long> counters(Testbed tb, Node node) {
        return parseCounters(tb.exec(node, "cat", "/proc/net/snmp", "/proc/net/netstat").check().stdout());
    }

    /** Every counter of the concatenation of {@code /proc/net/snmp} and {@code /proc/net/netstat}. */
    static Map<String, Long> parseCounters(String text) {
        Map<String, Long> all = new LinkedHashMap<>();
        text.lines().map(l -> l.split(" ", 2)[0]).filter(g -> g.endsWith(":")).distinct()
                .forEach(g -> counters(text, g).forEach((name, v) -> all.put(g + name, v)));
        return all;
    }

    /** Parses the concatenation of {@code /proc/net/snmp} and {@code /proc/net/netstat}. */
    static Segments parseSegments(String text) {
        Map<String, Long> tcp = counters(text, "Tcp:");
        Map<String, Long> ext = counters(text, "TcpExt:");
        Long orig = ext.get("TCPOrigDataSent");
        Long retrans = tcp.get("RetransSegs");
        if (orig == null || retrans == null) {
            throw new IllegalArgumentException("no TCPOrigDataSent or RetransSegs in the namespace's counters");
        }
        return new Segments(orig, retrans);
    }

    /** The name/value pairs of the two lines (names, then values) that start with {@code prefix}. */
    private static Map<String, Long> counters(String text, String prefix) {
        List<String> lines = text.lines().filter(l -> l.startsWith(prefix + " ")).toList();
        Map<String, Long> m = new LinkedHashMap<>();
        if (lines.size() < 2) {
            return m;
        }
        String[] names = lines.get(0).trim().split("\\s+");
        String[] values = lines.get(1).trim().split("\\s+");
        for (int i = 1; i < Math.min(names.length, values.length); i++) {
            m.put(names[i], Long.parseLong(values[i]));
        }
        return m;
    }

    /**
     * The congestion control algorithms on the established TCP sockets (MPTCP subflows
     * included) of {@code node} with local or remote port {@code port}.
     */
    static Set<String> congestionControl(Testbed tb, Node node, int port, Set<String> known) {
        String out = tb.exec(node, "ss", "-tinH", "state", "established",
                "( sport = :" + port + " or dport = :" + port + " )").check().stdout();
        return parseCongestionControl(out, known);
    }

    /** The words of {@code ss -ti} output that name an algorithm in {@code known}. */
    static Set<String> parseCongestionControl(String ssOutput, Set<String> known) {
        Set<String> found = new TreeSet<>();
        for (String line : ssOutput.split("\n")) {
            if (!line.isEmpty() && Character.isWhitespace(line.charAt(0))) {
                for (String word : line.trim().split("\\s+")) {
                    if (known.contains(word)) {
                        found.add(word);
                    }
                }
            }
        }
        return found;
    }
}
