/**
 * {@code ./haap demo}: the product shown end to end on the namespace testbed. An
 * unmodified client's TCP connections are intercepted by the client gateway, carried over
 * both WANs by Multipath TCP to the aggregation point and delivered to a server, while the
 * demo prints the WANs' rates every second and then goodput against the line rate,
 * per-WAN shares, SHA-256 integrity and connect time. The traffic tool
 * ({@link org.haap.deploy.demo.TrafficServer}, {@link org.haap.deploy.demo.TrafficClient},
 * {@link org.haap.deploy.demo.BulkTransfer}) and {@link org.haap.deploy.demo.ProxyPair}
 * are shared with the end-to-end tests.
 */
package org.haap.deploy.demo;
