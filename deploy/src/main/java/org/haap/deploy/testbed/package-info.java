/**
 * The network-namespace testbed that the demo, the end-to-end tests and the load tests
 * share: {@link org.haap.deploy.testbed.Testbed} builds client, CPE, one router per WAN
 * (DSL, LTE), aggregation point and server namespaces for a
 * {@link org.haap.deploy.testbed.Profile}; {@link org.haap.deploy.testbed.DelayLine}
 * emulates one-way delay on netfilter queues because the kernel has no netem;
 * {@link org.haap.deploy.testbed.TestbedMain} is the {@code ./haap testbed} command line.
 */
package org.haap.deploy.testbed;
