/**
 * Process lifecycle shared by both applications: the command line of a long-running
 * service, its meter registry, turning SIGTERM/SIGINT into an orderly, draining stop
 * with exit status 0, and SIGHUP into a configuration reload for services that support one.
 */
package org.haap.core.lifecycle;
