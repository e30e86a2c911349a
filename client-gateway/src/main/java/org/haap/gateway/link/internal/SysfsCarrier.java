package org.haap.gateway.link.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an interface's operational state from {@code /sys/class/net/IF/operstate} (of the
 * process's network namespace when sysfs was mounted for it, as {@code ip netns exec}
 * does). A stand-in for rtnetlink link events until the gateway has a monitor for them:
 * the link monitor polls it.
 */
public final class SysfsCarrier {

    private final Path root;

    /** Reads {@code /sys/class/net}. */
    public SysfsCarrier() {
        this(Path.of("/sys/class/net"));
    }

    /** Reads {@code root/IF/operstate} (tests use a directory of their own). */
    public SysfsCarrier(Path root) {
        this.root = root;
    }

    /**
     * Whether {@code interfaceName} can pass traffic: operstate {@code up}, or {@code unknown}
     * (drivers that do not report a state: loopback, tun, some PPP). Missing interface,
     * {@code down}, {@code lowerlayerdown}, {@code dormant}, {@code notpresent},
     * {@code testing} = not up.
     */
    public boolean isUp(String interfaceName) {
        try {
            String state = Files.readString(root.resolve(interfaceName).resolve("operstate")).strip();
            return state.equals("up") || state.equals("unknown");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
