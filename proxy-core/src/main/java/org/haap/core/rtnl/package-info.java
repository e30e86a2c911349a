/**
 * An rtnetlink monitor for network interfaces and their addresses
 * ({@link org.haap.core.rtnl.LinkMonitor}): a dump of the current links and addresses at
 * start, then every {@code RTM_NEWLINK}/{@code RTM_DELLINK}/{@code RTM_NEWADDR}/{@code
 * RTM_DELADDR} notification decoded into {@link org.haap.core.rtnl.RtnlEvent} records, in the
 * network namespace of the thread that opened the monitor. The path manager uses it to see
 * a WAN's carrier and addresses come and go.
 */
package org.haap.core.rtnl;
