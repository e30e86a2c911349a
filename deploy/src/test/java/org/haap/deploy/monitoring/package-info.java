/**
 * Tests of the monitoring files an operator installs: the metric table in
 * {@code docs/metrics.md} against the meters, the Prometheus alert rules with
 * {@code promtool}, and the Grafana dashboard's metric names against the table.
 */
package org.haap.deploy.monitoring;
