/**
 * Operating-system facilities HAAP needs beyond the JDK and Netty: running work inside a
 * Linux network namespace from one JVM ({@link org.haap.core.sys.NetworkNamespace}) and a
 * raw netlink socket with message and attribute codecs
 * ({@link org.haap.core.sys.NetlinkSocket}, {@link org.haap.core.sys.NetlinkMessage},
 * {@link org.haap.core.sys.NetlinkAttributes}) on which the generic-netlink and netfilter
 * clients are built. The native bindings behind them live in
 * {@code org.haap.core.sys.internal}, the only code in the project that uses jnr-ffi.
 */
package org.haap.core.sys;
