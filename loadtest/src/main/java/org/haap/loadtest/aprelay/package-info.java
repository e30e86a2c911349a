/**
 * The {@code ap-relay} scenario: bulk throughput through the aggregation point (MPTCP from
 * the client, plain TCP to the server) against the same client talking MPTCP straight to
 * the server, on the namespace testbed's unshaped {@code fast} profile, with the bulk
 * sink/source server and client it needs.
 */
package org.haap.loadtest.aprelay;
