package org.haap.deploy.testbed;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What of a testbed exists right now.
 *
 * @param prefix the namespace prefix
 * @param namespaces every existing namespace with the prefix, with the ids of the
 *        processes running in it
 * @param profile the profile recorded by the last {@code up}, if the state file exists
 * @param links the link specs recorded in the state file (after run-time changes)
 * @param linksUp which links are up (not blackholed), from the state file
 * @param strayProcesses ids of testbed processes (tagged with the prefix) outside any
 *        existing namespace
 */
public record TestbedStatus(String prefix, Map<String, List<Long>> namespaces, Optional<String> profile,
                            Map<Wan, LinkSpec> links, Map<Wan, Boolean> linksUp, List<Long> strayProcesses) {

    /** Whether nothing of the testbed is left. */
    public boolean isEmpty() {
        return namespaces.isEmpty() && strayProcesses.isEmpty();
    }

    /** Whether all six namespaces exist. */
    public boolean isComplete() {
        for (Node n : Node.values()) {
            if (!namespaces.containsKey(prefix + n.suffix())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "testbed " + prefix + "*: down (no namespace, no process)";
        }
        StringBuilder sb = new StringBuilder("testbed " + prefix + "*: ")
                .append(isComplete() ? "up" : "PARTIAL (run down)")
                .append(profile.map(p -> ", profile " + p).orElse("")).append('\n');
        namespaces.forEach((ns, pids) -> sb.append("  namespace ").append(ns)
                .append(pids.isEmpty() ? "" : ", processes " + pids).append('\n'));
        links.forEach((w, spec) -> sb.append("  link ").append(w.interfaceName()).append(": ").append(spec)
                .append(Boolean.FALSE.equals(linksUp.get(w)) ? " [DOWN]" : "").append('\n'));
        if (!strayProcesses.isEmpty()) {
            sb.append("  stray processes ").append(strayProcesses).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
