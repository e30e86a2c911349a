/**
 * {@code pageload}: RobE Figure 9, the time to load a synthetic web page of many small
 * objects on several hosts, fetched as a browser does, through the gateway in each
 * establishment mode and directly over one WAN without any proxy.
 */
package org.haap.loadtest.pageload;
