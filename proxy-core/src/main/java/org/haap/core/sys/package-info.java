/**
 * Operating-system facilities HAAP needs beyond the JDK and Netty: running work inside a
 * Linux network namespace from one JVM ({@link org.haap.core.sys.NetworkNamespace}). The
 * native bindings behind it live in {@code org.haap.core.sys.internal}.
 */
package org.haap.core.sys;
