/**
 * Process lifecycle shared by both applications: the command line of a long-running
 * service, its meter registry, and turning SIGTERM/SIGINT into an orderly, draining stop
 * with exit status 0.
 */
package org.haap.core.lifecycle;
