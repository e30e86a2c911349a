package org.haap.core.testing;

import java.util.ArrayList;
import java.util.List;

/** What {@code ss} tells about the TCP sockets (MPTCP subflows included) of a namespace. */
public final class SocketStats {

    private SocketStats() {
    }

    /**
     * The congestion control algorithm of each established TCP socket in {@code ns} whose local
     * or peer address ends in {@code end} (e.g. {@code ":5124"}), as "local ALG" when the local
     * end matched and "peer ALG" otherwise; from {@code ss -tinH}, whose info line opens with it.
     */
    public static List<String> congestionControls(Netns ns, String end) {
        String[] lines = ns.exec("ss", "-tinH", "state", "established").split("\n");
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 4 || !(f[2].endsWith(end) || f[3].endsWith(end))) {
                continue;
            }
            out.add((f[2].endsWith(end) ? "local " : "peer ") + lines[i + 1].trim().split("\\s+")[0]);
        }
        return out;
    }
}
