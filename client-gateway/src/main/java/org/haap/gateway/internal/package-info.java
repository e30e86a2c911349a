/** Helpers of the gateway application (interface lookups, loop protection); not API. */
package org.haap.gateway.internal;
