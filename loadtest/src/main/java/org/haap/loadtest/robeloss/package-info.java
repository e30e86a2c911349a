/**
 * {@code robe-loss}: RobE Figure 8, the time to set up a proxied connection (the LAN
 * client's {@code connect()} to the first byte of the server's answer) against the SYN loss
 * on the CPE's default WAN, per gateway establishment mode.
 */
package org.haap.loadtest.robeloss;
