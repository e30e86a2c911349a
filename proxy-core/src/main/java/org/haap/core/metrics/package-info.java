/**
 * Metrics exposition shared by both applications: an HTTP endpoint that serves a
 * Micrometer Prometheus registry in the Prometheus text format. Meter definitions live
 * with the application that owns them; this package only exposes them.
 */
package org.haap.core.metrics;
