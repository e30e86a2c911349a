package org.haap.deploy.testbed;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.haap.deploy.testbed.internal.Commands;

/**
 * Checks what the real-kernel tests need: root and the tools the testbed runs. With
 * {@code CI=true} a missing prerequisite fails the test, otherwise it skips it.
 */
final class NetnsPrerequisites {

    private static final List<String> TOOLS = List.of("ip", "tc", "nft", "iptables", "ip6tables", "sysctl");

    private NetnsPrerequisites() {
    }

    static void require() {
        List<String> missing = new ArrayList<>();
        ExecResult id = Commands.run(List.of("id", "-u"), null, Duration.ofSeconds(10));
        if (!id.stdout().strip().equals("0")) {
            missing.add("root");
        }
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            String msg = "testbed prerequisites missing: " + missing;
            if ("true".equals(System.getenv("CI"))) {
                fail(msg);
            }
            abort(msg);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
