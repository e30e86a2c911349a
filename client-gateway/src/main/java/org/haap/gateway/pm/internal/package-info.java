/**
 * The path-manager engine's bookkeeping, not API: per connection the subflows and, per WAN,
 * what the policy wants and the rate bounds of the commands that make it so.
 */
package org.haap.gateway.pm.internal;
