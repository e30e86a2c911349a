/**
 * Helpers of the gateway application (interface lookups, loop protection, the pool hello,
 * which keys a configuration reload applies); not API.
 */
package org.haap.gateway.internal;
