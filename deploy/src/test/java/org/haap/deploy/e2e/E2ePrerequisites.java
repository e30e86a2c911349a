package org.haap.deploy.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.haap.core.mptcp.MptcpSockets;

/**
 * What the end-to-end tests need: root, kernel MPTCP and the tools the testbed and the
 * unmodified clients run. With {@code CI=true} a missing prerequisite fails the test
 * class, otherwise it skips it.
 */
final class E2ePrerequisites {

    /** What the testbed, the proxy pair and its metrics need. */
    private static final List<String> PAIR_TOOLS =
            List.of("ip", "tc", "nft", "iptables", "ip6tables", "sysctl", "curl");
    /** ... and the unmodified clients. */
    private static final List<String> TOOLS =
            List.of("ip", "tc", "nft", "iptables", "ip6tables", "sysctl", "curl", "iperf3");

    private E2ePrerequisites() {
    }

    static void require() {
        require(TOOLS);
    }

    /** For a test that runs only the testbed and the proxy pair (no unmodified clients but curl). */
    static void requirePair() {
        require(PAIR_TOOLS);
    }

    private static void require(List<String> tools) {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root");
        }
        if (!MptcpSockets.kernelSupportsMptcp()) {
            missing.add("kernel MPTCP");
        }
        for (String tool : tools) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            String msg = "end-to-end prerequisites missing: " + missing;
            if ("true".equals(System.getenv("CI"))) {
                fail(msg);
            }
            abort(msg);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
