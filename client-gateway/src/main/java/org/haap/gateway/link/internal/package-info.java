/**
 * Not API: the per-WAN probe socket ({@code ProbeSocket}; {@code WanProber} is Netty epoll UDP
 * bound to the WAN's device and source address) and the sysfs carrier reader that stands in
 * for an rtnetlink link monitor.
 */
package org.haap.gateway.link.internal;
