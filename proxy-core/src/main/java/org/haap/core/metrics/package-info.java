/**
 * Metrics shared by both applications: the factory of the Prometheus registry
 * ({@link org.haap.core.metrics.MetricsRegistries}) with the process/JVM meters and the
 * {@code haap_build_info} gauge, the configuration-reload counter both services export
 * ({@link org.haap.core.metrics.ConfigReloads}), the relay's meters with a role prefix
 * ({@link org.haap.core.metrics.RelayMeters}, the same names on both sides), the naming filter that keeps the exposition
 * valid for {@code promtool}, and the HTTP endpoint that serves it in the Prometheus text format.
 * Application meters live with the application that owns them; this package only
 * provides what they share and exposes them.
 */
package org.haap.core.metrics;
