package org.haap.deploy.testbed;

/**
 * The nft rules of a WAN router's loss emulation (random loss, SYN loss, link down) and the
 * reading of their counters.
 */
final class LossRules {

    /** The nft counter of every packet the link's loss rule sees. */
    static final String COUNTER_PACKETS = "seen";
    /** The nft counter of the packets it drops at random (or all, when the link is down). */
    static final String COUNTER_DROPPED = "dropped";

    private LossRules() {
    }

    /** The {@code packets N} figure of {@code nft list counter} output. */
    static long parseNftPackets(String nftOutput) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("packets (\\d+)").matcher(nftOutput);
        if (!m.find()) {
            throw new TestbedException("no packet count in nft output: " + nftOutput.strip());
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The table {@code inet haap-link} of a WAN router: counts every forwarded packet, drops
     * all of them when the link is down (or at 100 % loss), a random share at the link's
     * loss, and a random share of SYNs at its SYN loss.
     */
    static String render(LinkSpec spec, boolean linkUp) {
        StringBuilder sb = new StringBuilder()
                .append("table inet haap-link\n")
                .append("delete table inet haap-link\n")
                .append("table inet haap-link {\n")
                .append("  counter ").append(COUNTER_PACKETS).append(" { }\n")
                .append("  counter ").append(COUNTER_DROPPED).append(" { }\n")
                .append("  chain forward {\n")
                .append("    type filter hook forward priority -300; policy accept;\n")
                .append("    counter name \"").append(COUNTER_PACKETS).append("\"\n");
        String count = "counter name \"" + COUNTER_DROPPED + "\" ";
        if (!linkUp || spec.lossPct() == 100) {
            sb.append("    ").append(count).append("drop\n");
        } else if (spec.lossPct() > 0) {
            sb.append("    numgen random mod 100 < ").append(spec.lossPct()).append(' ').append(count).append("drop\n");
        }
        if (spec.synLossPct() == 100) {
            sb.append("    tcp flags & (syn | ack) == syn drop\n");
        } else if (spec.synLossPct() > 0) {
            sb.append("    tcp flags & (syn | ack) == syn numgen random mod 100 < ")
                    .append(spec.synLossPct()).append(" drop\n");
        }
        return sb.append("  }\n}\n").toString();
    }
}
