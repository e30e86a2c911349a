/**
 * The link monitor: a state per WAN ({@link org.haap.gateway.link.LinkState#UP up},
 * {@link org.haap.gateway.link.LinkState#DEGRADED degraded},
 * {@link org.haap.gateway.link.LinkState#DOWN down}) from the WAN interface's carrier and from
 * authenticated UDP probes sent to the aggregation point over each WAN, so that a silent
 * blackhole (link up, every packet lost) is noticed within a second; the state is pushed to
 * robe's {@link org.haap.robe.WanState} (a down WAN is not raced), to metrics and to the log.
 * The probe wire format is {@link org.haap.gateway.link.ProbeCodec}; the AP's responder is
 * {@code org.haap.ap.probe}.
 */
package org.haap.gateway.link;
