/** Wire constants and message encoding/decoding of the "mptcp_pm" generic-netlink family; not API. */
package org.haap.core.pm.internal;
