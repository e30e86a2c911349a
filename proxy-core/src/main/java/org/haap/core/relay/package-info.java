/**
 * The byte relay shared by the gateway and the aggregation point: once a session's two
 * channels are connected, {@link org.haap.core.relay.Relay#start} moves bytes both ways
 * with writability-based backpressure, first-class half-close, reset propagation, idle and
 * half-close timeouts named by phase, per-direction byte counters and, where both ends are
 * epoll stream channels on one event loop, zero-copy splice. Each session ends exactly
 * once with a {@link org.haap.core.relay.RelayResult} carrying its
 * {@link org.haap.core.session.Termination}.
 *
 * <p><b>Splice</b> is on by default. It was once gated behind a system property after
 * {@code AggregationPointIT} (MPTCP client with two subflows, TCP server, 64 MiB each way)
 * reported the download corrupted in about one session of six, with splice on and off. The
 * bytes on the wire and in the relay were correct: the test's checker regenerated the
 * expected stream per received chunk and lost 4 bytes whenever a read returned a length that
 * was not a multiple of 8, which happens over MPTCP and not over the test's plain TCP paths.
 */
package org.haap.core.relay;
