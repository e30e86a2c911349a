package org.haap.gateway.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** Network interface facts of the process's network namespace. */
public final class Interfaces {

    private Interfaces() {
    }

    /**
     * The index of interface {@code name}.
     *
     * @throws IOException if there is no such interface
     */
    public static int index(String name) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif != null && nif.getIndex() > 0) {
            return nif.getIndex();
        }
        // NetworkInterface misses interfaces without an IPv4 address; sysfs has them all.
        Path sys = Path.of("/sys/class/net", name, "ifindex");
        if (Files.isReadable(sys)) {
            return Integer.parseInt(Files.readString(sys).trim());
        }
        throw new IOException("network interface " + name + " does not exist");
    }

    /** Every address of every local interface. */
    public static Set<InetAddress> localAddresses() {
        Set<InetAddress> all = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    all.add(withoutScope(a));
                }
            }
        } catch (SocketException e) {
            // Leave the set as far as it got; the AP address check still applies.
        }
        return all;
    }

    /** The address without an IPv6 scope id, for set lookups. */
    public static InetAddress withoutScope(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }
}
