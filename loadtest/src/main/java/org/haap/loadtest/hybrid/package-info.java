/**
 * What the RobE scenarios ({@code robe-loss}, {@code pageload}) share: a private copy of the
 * namespace testbed with the aggregation point, a client gateway restarted per
 * establishment mode ({@link org.haap.loadtest.hybrid.GatewayMode}: {@code haap.gateway.robe.mode}
 * plus the warm pool), several server addresses with a small object server, and a client
 * in the LAN namespace that times connection set-up and object fetches on its own clock.
 */
package org.haap.loadtest.hybrid;
