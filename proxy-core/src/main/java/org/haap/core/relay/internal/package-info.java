/**
 * Implementation of the relay, not API: the session state machine
 * ({@link org.haap.core.relay.internal.DefaultRelaySession}), the per-side
 * {@link org.haap.core.relay.internal.RelayHandler}, the splice forwarder and the narrow
 * reflective access to Netty's epoll splice queue that exact splice accounting needs.
 */
package org.haap.core.relay.internal;
