/**
 * Flow classes: whether a connection through the gateway is short (latency-bound, a web
 * page's object) or bulk, judged from the bytes its relay moves ({@code path-manager.bulk});
 * the moment a connection becomes bulk is handed to the path manager (policy
 * {@code latency-first} then makes its backup subflows active), and every connection's
 * bytes per WAN are counted by class.
 */
package org.haap.gateway.flow;
