/**
 * {@code failover}: what a WAN failure costs a running transfer through the gateway. For
 * each fault (the DSL link taken down at the CPE, or DSL silently dropping every packet
 * with the link up) and each path-manager policy, a bulk download runs from the server
 * through the AP and the gateway to the LAN client; the fault is injected mid-transfer and
 * removed later, while the client's received bytes and the CPE's WAN interface counters
 * are sampled every 100 ms. The result is the time until goodput is back above 80 % of
 * LTE's rate, the time until DSL carries data again after the repair, the bytes per WAN,
 * the transfer's integrity (SHA-256 at both ends) and the connections lost, with a plot of
 * goodput over time per WAN.
 */
package org.haap.loadtest.failover;
