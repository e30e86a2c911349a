package org.haap.loadtest.failover;

/**
 * One reading taken during a transfer: when (ms since the transfer started, on
 * {@link System#nanoTime()}), the bytes the LAN client has received so far, and the CPE's
 * WAN interface counters (bytes received from and sent to each WAN since the interface
 * was created).
 *
 * @param tMs      ms since the transfer started
 * @param received application bytes received by the client so far
 * @param dslRx    bytes the CPE received on DSL
 * @param dslTx    bytes the CPE sent on DSL
 * @param lteRx    bytes the CPE received on LTE
 * @param lteTx    bytes the CPE sent on LTE
 */
public record Sample(double tMs, long received, long dslRx, long dslTx, long lteRx, long lteTx) {
}
