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
 * @param port    for a {@code signal} endpoint, the port announced with the address (the kernel
 *                then listens there for joins itself); 0 = none
 */
public record Endpoint(int id, InetAddress address, int ifIndex, Set<EndpointFlag> flags, int port) {

    public Endpoint {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("id: " + id + " (expected: 0..255)");
        }
        Objects.requireNonNull(address, "address");
        if (ifIndex < 0) {
            throw new IllegalArgumentException("ifIndex: " + ifIndex + " (expected: >= 0)");
        }
        flags = Set.copyOf(flags);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    /** An endpoint without a port. */
    public Endpoint(int id, InetAddress address, int ifIndex, Set<EndpointFlag> flags) {
        this(id, address, ifIndex, flags, 0);
    }
}
