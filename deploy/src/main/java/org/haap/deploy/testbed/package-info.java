/**
 * The network-namespace testbed that the demo, the end-to-end tests and the load tests
 * share: {@link org.haap.deploy.testbed.Testbed} builds client, CPE, one router per WAN
 * (DSL, LTE), aggregation point and server namespaces for a
 * {@link org.haap.deploy.testbed.Profile}; {@link org.haap.deploy.testbed.DelayLine}
 * emulates one-way delay on netfilter queues because the kernel has no netem;
 * {@link org.haap.deploy.testbed.TestbedMain} is the {@code ./haap testbed} command line.
 * {@link org.haap.deploy.testbed.Netns} is the command helper beneath the testbed (commands,
 * nft, sysctl, processes in one namespace); {@link org.haap.deploy.testbed.HaapApp} with
 * {@code Testbed.startHaap} is the one way to start and await the AP and the gateway;
 * {@link org.haap.deploy.testbed.ScaleOut} is the {@code scale-out} topology (N AP nodes
 * behind a kube-proxy-like balancer, {@link org.haap.deploy.testbed.BalancerRules},
 * {@link org.haap.deploy.testbed.BalancerMain}).
 */
package org.haap.deploy.testbed;
