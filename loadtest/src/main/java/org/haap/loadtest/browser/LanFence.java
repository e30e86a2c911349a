package org.haap.loadtest.browser;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Testbed;

/**
 * What keeps the browser inside the testbed: an nftables table in the LAN client's namespace
 * whose output chain lets through loopback, the server net on the page's port, the server
 * net on any other port (counted: {@code off_port}, e.g. an HTTPS upgrade) and IPv6
 * link-local and multicast (neighbour discovery), and counts and drops everything else
 * ({@code escaped}): a name the host-resolver rules missed, a background request.
 */
final class LanFence {

    /** The nftables table's name. */
    static final String TABLE = "haap_browser_fence";
    private static final Pattern PACKETS = Pattern.compile("packets (\\d+) bytes (\\d+)");

    private final Testbed testbed;

    /** Packets and bytes a counter saw. */
    record Count(long packets, long bytes) {
        Count minus(Count earlier) {
            return new Count(packets - earlier.packets, bytes - earlier.bytes);
        }
    }

    private LanFence(Testbed testbed) {
        this.testbed = testbed;
    }

    /** The rules for a server net {@code serverNet} and page port {@code port}. */
    static String rules(String serverNet, int port) {
        return "table inet " + TABLE + " {\n"
                + "  counter escaped { }\n"
                + "  counter off_port { }\n"
                + "  chain output {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    oifname \"lo\" accept\n"
                + "    ip daddr " + serverNet + " tcp dport " + port + " accept\n"
                + "    ip daddr " + serverNet + " counter name \"off_port\" accept\n"
                + "    ip6 daddr { fe80::/10, ff00::/8 } accept\n"
                + "    counter name \"escaped\" drop\n"
                + "  }\n"
                + "}\n";
    }

    /** Loads the rules into the LAN client's namespace of {@code testbed}. */
    static LanFence install(Testbed testbed, String serverNet, int port) {
        testbed.loadNftRules(Node.CLIENT, rules(serverNet, port));
        return new LanFence(testbed);
    }

    /** Packets dropped so far: not addressed to the server net. */
    Count escaped() {
        return read("escaped");
    }

    /** Packets to the server net on another port than the page's so far. */
    Count offPort() {
        return read("off_port");
    }

    private Count read(String counter) {
        return parse(testbed.exec(Node.CLIENT, "nft", "list", "counter", "inet", TABLE, counter).check().stdout());
    }

    /** The packets and bytes of {@code nft list counter} output. */
    static Count parse(String listing) {
        Matcher m = PACKETS.matcher(listing);
        if (!m.find()) {
            throw new IllegalArgumentException("no 'packets N bytes M' in: " + listing);
        }
        return new Count(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** Removes the table (the namespace's teardown would too). */
    void remove() {
        testbed.exec(Node.CLIENT, "nft", "delete", "table", "inet", TABLE);
    }
}
