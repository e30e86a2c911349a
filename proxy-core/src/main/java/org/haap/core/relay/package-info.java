/**
 * The byte relay shared by the gateway and the aggregation point: once a session's two
 * channels are connected, {@link org.haap.core.relay.Relay#start} moves bytes both ways
 * with writability-based backpressure, first-class half-close, reset propagation, idle and
 * half-close timeouts named by phase, per-direction byte counters and, where both ends are
 * epoll stream channels on one event loop, zero-copy splice. Each session ends exactly
 * once with a {@link org.haap.core.relay.RelayResult} carrying its
 * {@link org.haap.core.session.Termination}.
 */
package org.haap.core.relay;
