/**
 * The byte relay shared by the gateway and the aggregation point: once a session's two
 * channels are connected, {@link org.haap.core.relay.Relay#start} moves bytes both ways
 * with writability-based backpressure, first-class half-close, reset propagation, idle and
 * half-close timeouts named by phase, per-direction byte counters and, where both ends are
 * epoll stream channels on one event loop, zero-copy splice. Each session ends exactly
 * once with a {@link org.haap.core.relay.RelayResult} carrying its
 * {@link org.haap.core.session.Termination}.
 *
 * <p><b>Splice</b> is on by default. It was gated behind a system property after
 * {@code AggregationPointIT} (MPTCP client with two subflows, TCP server, 64 MiB each way)
 * saw the download corrupted with it. Measured on Linux 6.18 with Netty 4.2.10, that
 * corruption is not caused by splice: with splice off in both directions it occurs as often
 * (2 sessions in 8; with splice 3 in 8), always the same shape: a run of 4 bytes delivered
 * twice ({@code A B C D A B C D E ...}), twice per bad session, at unrelated offsets, all other
 * bytes in order, 8 bytes more than sent. Netty's splice path cannot produce this (each
 * {@code SpliceOutTask} moves exactly the bytes its splice-in put into the target's pipe, in
 * the target's outbound-buffer order), and TCP-only sessions never show it; the duplication
 * is in the MPTCP data path below the JVM, not in the relay.
 */
package org.haap.core.relay;
