package org.haap.deploy.testbed;

/**
 * The testbed's addresses: all from the benchmarking range 198.18.0.0/15 (RFC 2544) and
 * the documentation prefix 2001:db8::/32 (RFC 3849), so nothing collides with a real
 * network; the AP's default destination policy denies both blocks, so the testbed's AP
 * configuration allows the server explicitly. Subnet {@code 198.18.N.0/24} pairs with
 * {@code 2001:db8:N::/64}; see {@code deploy/README.md} for the full table.
 */
public final class AddressPlan {

    /** The LAN host. */
    public static final String CLIENT = "198.18.1.2";
    /** The LAN host, IPv6. */
    public static final String CLIENT6 = "2001:db8:1::2";
    /** The CPE's LAN address (the client's default gateway). */
    public static final String CPE_LAN = "198.18.1.1";
    /** The CPE's LAN address, IPv6. */
    public static final String CPE_LAN6 = "2001:db8:1::1";
    /** The aggregation point's service address (on its loopback, reachable over both WANs). */
    public static final String AP = "198.18.0.1";
    /** The aggregation point's IPv6 service address. */
    public static final String AP6 = "2001:db8::1";
    /** The AP's address on the server net. */
    public static final String AP_SERVER_NET = "198.18.100.1";
    /** The AP's IPv6 address on the server net. */
    public static final String AP_SERVER_NET6 = "2001:db8:100::1";
    /** The test server. */
    public static final String SERVER = "198.18.100.2";
    /** The test server, IPv6. */
    public static final String SERVER6 = "2001:db8:100::2";
    /** The port the client gateway's TPROXY listener uses in the testbed. */
    public static final int GATEWAY_TPROXY_PORT = 15124;
    /** The port the aggregation point listens on in the testbed. */
    public static final int AP_PORT = 5124;

    private AddressPlan() {
    }

    static String v4(int subnet, int host) {
        return "198.18." + subnet + "." + host;
    }

    static String v6(int subnet, int host) {
        return "2001:db8:" + subnet + "::" + host;
    }
}
