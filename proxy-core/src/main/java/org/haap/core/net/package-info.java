/**
 * Socket-level vocabulary both applications share: {@link org.haap.core.net.SocketFailure}
 * says, from the errno behind an exception (Netty's native exceptions, HAAP's own system
 * calls, the JDK's exception types), what went wrong with a connect or a connection, so
 * that the aggregation point, the gateway, robe and the relay classify failures once and
 * the same way; {@link org.haap.core.net.AcceptBackoff} is what both applications' listeners
 * do when accept fails for want of file descriptors.
 */
package org.haap.core.net;
