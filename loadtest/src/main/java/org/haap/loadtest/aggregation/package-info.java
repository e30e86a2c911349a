/**
 * {@code aggregation}: bulk goodput of kernel-only MPTCP, HAAP and each WAN alone under
 * random loss on LTE, with the namespaces' default congestion control set to cubic.
 */
package org.haap.loadtest.aggregation;
