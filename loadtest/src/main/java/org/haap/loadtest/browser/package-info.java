/**
 * {@code browser}: Debian's Chromium loads a generated page of 73 objects on 6 hosts
 * through the gateway in each mode and directly over each WAN; the page's own Navigation
 * Timing gives the page-load time, an nftables fence in the LAN namespace proves that the
 * browser reached nothing but the testbed's servers.
 */
package org.haap.loadtest.browser;
