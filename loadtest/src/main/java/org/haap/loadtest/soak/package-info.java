/**
 * {@code soak}: valid and invalid (mutated) Convert traffic against an aggregation point for
 * minutes, sampling the AP process's file descriptors, threads, heap after GC and RSS.
 */
package org.haap.loadtest.soak;
