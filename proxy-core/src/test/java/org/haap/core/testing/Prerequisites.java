package org.haap.core.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.epoll.Epoll;

import org.haap.core.mptcp.MptcpSockets;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks what a real-kernel test needs. A missing prerequisite fails the test when the
 * environment variable {@code CI} is {@code true} (CI must run everything) and aborts it as
 * skipped otherwise (a developer machine may lack root).
 */
public final class Prerequisites {

    private static final List<String> SBIN_DIRS = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    private Prerequisites() {
    }

    /** The test runs as root (uid 0): needed for namespaces, veths and sysctls. */
    public static void requireRoot() {
        require(isRoot(), "the test needs root (uid 0) for network namespaces");
    }

    /** The kernel can create MPTCP sockets in the current namespace. */
    public static void requireMptcp() {
        require(MptcpSockets.kernelSupportsMptcp(),
                "the test needs kernel Multipath TCP (CONFIG_MPTCP, sysctl net.mptcp.enabled=1)");
    }

    /**
     * Netty's epoll transport and its native library are loaded: needed, besides epoll
     * channels, by Netty's native error factories ({@code io.netty.channel.unix.Errors}).
     */
    public static void requireEpoll() {
        require(Epoll.isAvailable(), "the test needs Netty's epoll transport (" + Epoll.unavailabilityCause() + ")");
    }

    /** Each command is an executable on {@code PATH} (or in an sbin directory). */
    public static void requireCommand(String... commands) {
        List<String> missing = new ArrayList<>();
        for (String command : commands) {
            if (!onPath(command)) {
                missing.add(command);
            }
        }
        require(missing.isEmpty(), "the test needs the command(s) " + missing + " on PATH");
    }

    /** Root plus the {@code ip} command: everything {@link Netns} and {@link Veth} need. */
    public static void requireNetns() {
        requireRoot();
        requireCommand("ip");
    }

    static String ipCommand() {
        return resolve("ip");
    }

    private static void require(boolean present, String message) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("missing prerequisite (CI=true makes this a failure): " + message);
        }
        Assumptions.abort("skipped, missing prerequisite: " + message);
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return "0".equals(line.substring(4).trim().split("\\s+")[1]); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String command) {
        return !resolve(command).equals(command) || Files.isExecutable(Path.of(command));
    }

    private static String resolve(String command) {
        if (command.contains("/")) {
            return command;
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SBIN_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, command);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return command;
    }
}
