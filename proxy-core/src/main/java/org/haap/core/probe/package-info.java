/**
 * The HAAP link probe's wire format, shared by the gateway's link monitor (which sends
 * probes over each WAN) and the aggregation point's probe responder (which answers them).
 */
package org.haap.core.probe;
