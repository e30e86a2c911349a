/**
 * Helpers behind {@link org.haap.config}, not API: typed reads of one HOCON subtree that
 * turn every problem into a {@link org.haap.config.ConfigError} naming the full key
 * ({@link org.haap.config.internal.Section}), the unknown-key check against
 * {@code reference.conf}, strict literal IP address parsing and formatting (never a DNS
 * lookup), and file parsing with file:line error messages.
 */
package org.haap.config.internal;
