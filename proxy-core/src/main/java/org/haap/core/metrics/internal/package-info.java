/**
 * The metrics endpoint's connection handling, not API: the per-connection stages of
 * {@link org.haap.core.metrics.MetricsServer} (request and keep-alive timeouts, the
 * {@code /metrics} handler), the connection cap shared by them, and the endpoint's own
 * meters.
 */
package org.haap.core.metrics.internal;
