/**
 * Not API: the nfnetlink_queue codec and the per-queue FIFO behind
 * {@link org.haap.deploy.testbed.DelayLine}, and the process runner and run-directory log
 * pruning behind {@link org.haap.deploy.testbed.Testbed}.
 */
package org.haap.deploy.testbed.internal;
