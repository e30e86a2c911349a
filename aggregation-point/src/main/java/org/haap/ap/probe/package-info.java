/**
 * The probe responder: a cheap UDP echo that answers the gateways' link-monitor probes
 * (HAAP probe magic, sequence, timestamp, a MAC keyed with an accepted cookie) so a gateway
 * can tell per WAN whether its path to this AP passes traffic, and drops everything else
 * without a reply, counting why. Wire format: {@code org.haap.gateway.link.ProbeCodec}.
 */
package org.haap.ap.probe;
