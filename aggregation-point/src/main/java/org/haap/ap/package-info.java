/**
 * The aggregation point (AP): the data-centre service that terminates Multipath TCP from
 * client gateways, reads the RFC 8803 Convert message that names the destination, checks
 * client and destination policy, connects plain TCP upstream, replies, and relays bytes
 * both ways. {@link org.haap.ap.Main} is the command-line entry point,
 * {@link org.haap.ap.AggregationPoint} the server lifecycle.
 */
package org.haap.ap;
