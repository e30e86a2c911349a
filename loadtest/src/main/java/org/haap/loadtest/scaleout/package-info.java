/**
 * {@code scale-out}: several aggregation-point nodes in cluster mode behind the testbed's
 * kube-proxy-like balancer ({@link org.haap.deploy.testbed.ScaleOut}): how connections and
 * their subflows spread over the nodes, and what a node kill and a rolling drain do to
 * sessions and to new connections.
 */
package org.haap.loadtest.scaleout;
