/**
 * Fixtures for real-kernel integration tests, published in proxy-core's test-jar for every
 * module: {@link org.haap.core.testing.Prerequisites} (root, MPTCP, commands; a missing one
 * fails under {@code CI=true} and skips otherwise), {@link org.haap.core.testing.Netns}
 * (a throw-away network namespace named {@code haapt-<prefix>-<random>}, with commands,
 * sysctls, background processes and in-namespace Java code), {@link
 * org.haap.core.testing.Veth} (links between namespaces) and {@link
 * org.haap.core.testing.ClassHistogram} (a running JVM's live objects by class, and what
 * each of N sessions added).
 */
package org.haap.core.testing;
