/**
 * Not API: the wire format and the Netty handlers of the demo's traffic tool (the
 * deterministic byte pattern, the request header, the server and client sessions), used by
 * {@link org.haap.deploy.demo.TrafficServer} and {@link org.haap.deploy.demo.TrafficClient}.
 */
package org.haap.deploy.demo.internal;
