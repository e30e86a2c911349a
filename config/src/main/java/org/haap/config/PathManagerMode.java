package org.haap.config;

/**
 * Which MPTCP path manager decides the gateway's subflows
 * ({@code haap.gateway.path-manager.mode}; written {@code kernel}, {@code userspace}).
 */
public enum PathManagerMode {
    /** The in-kernel path manager, driven by endpoints the gateway configures once per WAN. */
    KERNEL,
    /** The userspace path manager ({@code net.mptcp.path_manager=userspace}): the gateway creates each subflow. */
    USERSPACE
}
