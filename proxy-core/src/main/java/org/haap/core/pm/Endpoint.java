package org.haap.core.pm;

import java.util.Objects;
import java.util.Set;
import java.net.InetAddress;

/**
 * An in-kernel MPTCP path-manager endpoint ({@code ip mptcp endpoint}).
 *
 * @param id      the endpoint id, 1..255; 0 in {@link MptcpPmClient#addEndpoint} lets the kernel choose
 * @param address the local address subflows from this endpoint use
 * @param ifIndex the interface subflows are bound to ({@code dev}), 0 = none
 * @param flags   what the kernel does with the endpoint
 */
public record Endpoint(int id, InetAddress address, int ifIndex, Set<EndpointFlag> flags) {

    public Endpoint {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("id: " + id + " (expected: 0..255)");
        }
        Objects.requireNonNull(address, "address");
        if (ifIndex < 0) {
            throw new IllegalArgumentException("ifIndex: " + ifIndex + " (expected: >= 0)");
        }
        flags = Set.copyOf(flags);
    }
}
