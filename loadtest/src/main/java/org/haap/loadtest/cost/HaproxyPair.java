package org.haap.loadtest.cost;

import java.util.Locale;

import org.haap.deploy.testbed.AddressPlan;

/**
 * The HAProxy pair HAAP is measured against: Debian's {@code haproxy}, one on the CPE and one
 * on the AP, both run under {@code mptcpize} so that every TCP socket they open is an MPTCP
 * socket. The CPE's HAProxy receives the LAN connections that nftables REDIRECTs to it and
 * opens an MPTCP connection to the AP's HAProxy, prefixed with a PROXY v2 header that names
 * the client's original destination ({@code send-proxy-v2}); the AP's HAProxy reads that
 * header ({@code accept-proxy}) and connects to that destination ({@code server 0.0.0.0:0}).
 * Its server-side socket is also MPTCP (mptcpize); against a plain TCP server it falls back
 * to TCP after the handshake. The CPE's in-kernel path manager adds the LTE subflow as it
 * does for the HAAP gateway's connections.
 */
final class HaproxyPair {

    /** The CPE HAProxy's port, where nftables redirects {@link Route#HAPROXY}. */
    static final int CPE_PORT = 15300;
    /** The AP HAProxy's port. */
    static final int AP_PORT = 15301;

    private HaproxyPair() {
    }

    /** The CPE side's configuration, for at most {@code maxConnections} client connections. */
    static String cpeConfig(int maxConnections) {
        return common(maxConnections)
                + "listen haap-loadtest-cpe\n"
                + "    bind 0.0.0.0:" + CPE_PORT + "\n"
                + "    server ap " + AddressPlan.AP + ":" + AP_PORT + " send-proxy-v2\n";
    }

    /** The AP side's configuration. */
    static String apConfig(int maxConnections) {
        return common(maxConnections)
                + "listen haap-loadtest-ap\n"
                + "    bind " + AddressPlan.AP + ":" + AP_PORT + " accept-proxy\n"
                + "    server upstream 0.0.0.0:0\n";
    }

    private static String common(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        // Threads: the package default (one per CPU). Timeouts as long as HAAP's idle timeout.
        return String.format(Locale.ROOT, """
                global
                    maxconn %d
                defaults
                    mode tcp
                    maxconn %d
                    timeout connect 5s
                    timeout client 5m
                    timeout server 5m
                """, maxConnections, maxConnections);
    }
}
