/**
 * The warm pool: per event loop, a bounded set of MPTCP connections to the aggregation point
 * established ahead of time (with the configured {@link org.haap.robe.Establisher}, RobE_SIM
 * by default) and made pool members by a {@link org.haap.robe.pool.PoolHandshake} (the
 * gateway's HAAP pool hello), so that a new LAN connection can send its Convert message at
 * once. Sized from the recent connection rate between a minimum and a maximum, recycled
 * before the idle timeouts, drained when the set of live WANs changes. Knows nothing of
 * Convert itself.
 */
package org.haap.robe.pool;
