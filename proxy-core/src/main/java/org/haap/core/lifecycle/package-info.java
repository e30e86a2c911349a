/**
 * Process lifecycle shared by both applications: turning SIGTERM/SIGINT into an orderly,
 * draining stop.
 */
package org.haap.core.lifecycle;
