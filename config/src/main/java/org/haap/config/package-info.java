/**
 * Typed, validated configuration for both HAAP applications. Each concern is one
 * immutable record built from its own HOCON subtree (for the aggregation point:
 * {@link org.haap.config.ApConfig} with {@link org.haap.config.ApTimeouts},
 * {@link org.haap.config.ApLimits}, {@link org.haap.config.RelaySettings}, ...; for the
 * client gateway: {@link org.haap.config.GatewayConfig} with one
 * {@link org.haap.config.WanConfig} per WAN link, {@link org.haap.config.RobeSettings}, ...);
 * {@code reference.conf} documents every key and supplies the defaults;
 * {@link org.haap.config.HaapConfigLoader} reads a file and builds the records, turning
 * every bad or unknown key into a {@link org.haap.config.ConfigError} (exit code 78);
 * {@link org.haap.config.CheckConfig} validates a file from the command line.
 */
package org.haap.config;
