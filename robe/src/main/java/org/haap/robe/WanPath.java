package org.haap.robe;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One WAN link as the establishment strategies see it.
 *
 * @param name          the link's name, also a metric label value (e.g. {@code dsl})
 * @param interfaceName the interface subflows on this link are bound to ({@code SO_BINDTODEVICE})
 * @param source        the link's own address, IPv4 or IPv6
 * @param source6       the link's IPv6 address besides an IPv4 {@code source}, or {@code null}
 */
public record WanPath(String name, String interfaceName, InetAddress source, InetAddress source6) {

    public WanPath {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(source, "source");
        if (source6 != null && !(source6 instanceof Inet6Address)) {
            throw new IllegalArgumentException("source6: " + source6 + " (expected: an IPv6 address)");
        }
    }

    /** The link's address of {@code peer}'s family, or {@code null} if it has none. */
    public InetAddress sourceFor(InetAddress peer) {
        boolean v6 = peer instanceof Inet6Address;
        if ((source instanceof Inet6Address) == v6) {
            return source;
        }
        return v6 ? source6 : null;
    }

    @Override
    public String toString() {
        return name + '(' + interfaceName + ')';
    }
}
