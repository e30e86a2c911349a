/**
 * Re-reading a running service's configuration file (on SIGHUP), shared by the aggregation
 * point and the client gateway: {@link org.haap.config.reload.ConfigReloader} loads the file,
 * keeps the running configuration when it is invalid, and otherwise applies what a
 * service-specific {@link org.haap.config.reload.ConfigReloader.Plan} says may change while
 * running, logging the changed keys and those that need a restart. Which keys are reloadable
 * is each service's decision (its own {@code ReloadPlan}).
 */
package org.haap.config.reload;
