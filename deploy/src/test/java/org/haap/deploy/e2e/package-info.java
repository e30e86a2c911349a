/**
 * End-to-end tests on the real namespace testbed ({@code haap-*}): unmodified clients in the
 * client namespace reach servers in the server namespace through the client gateway and the
 * aggregation point; run by failsafe in {@code mvn verify}.
 */
package org.haap.deploy.e2e;
