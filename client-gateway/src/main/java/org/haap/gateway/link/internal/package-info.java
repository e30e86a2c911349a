/**
 * Not API: the per-WAN probe socket (Netty epoll UDP bound to the WAN's device and source
 * address) and the sysfs carrier reader that stands in for an rtnetlink link monitor.
 */
package org.haap.gateway.link.internal;
