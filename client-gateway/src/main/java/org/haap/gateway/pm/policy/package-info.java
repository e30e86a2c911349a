/**
 * The path-manager policies chosen by {@code haap.gateway.path-manager.policy}
 * ({@code fullmesh}, {@code dsl-first}, {@code overflow}, {@code smart-backup}), built by
 * {@link org.haap.gateway.pm.policy.Policies#create}.
 */
package org.haap.gateway.pm.policy;
