package org.haap.deploy.testbed;

/**
 * Byte counters of a WAN interface in the CPE namespace (from the kernel's interface
 * statistics). {@code txBytes} is upstream (CPE towards AP), {@code rxBytes} downstream.
 *
 * @param wan the link
 * @param rxBytes bytes received by the CPE on this WAN
 * @param txBytes bytes sent by the CPE on this WAN
 */
public record WanCounters(Wan wan, long rxBytes, long txBytes) {

    /** The difference {@code this - earlier}, for per-interval figures. */
    public WanCounters minus(WanCounters earlier) {
        return new WanCounters(wan, rxBytes - earlier.rxBytes, txBytes - earlier.txBytes);
    }
}
