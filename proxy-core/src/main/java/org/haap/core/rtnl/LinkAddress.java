package org.haap.core.rtnl;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An address assigned to an interface ({@code struct ifaddrmsg} plus attributes).
 *
 * @param ifIndex      the interface index
 * @param address      the local address ({@code IFA_LOCAL} for IPv4, else {@code IFA_ADDRESS})
 * @param prefixLength the prefix length
 * @param scope        the scope ({@code RT_SCOPE_*}: 0 universe, 253 link, 254 host)
 * @param flags        the {@code IFA_F_*} flags ({@code IFA_FLAGS} when present)
 */
public record LinkAddress(int ifIndex, InetAddress address, int prefixLength, int scope, int flags) {

    /** {@code IFA_F_TENTATIVE}: IPv6 duplicate-address detection has not finished. */
    public static final int IFA_F_TENTATIVE = 0x40;

    public LinkAddress {
        Objects.requireNonNull(address, "address");
        int max = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0.." + max + ")");
        }
    }
}
