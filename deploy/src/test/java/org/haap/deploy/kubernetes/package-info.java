/**
 * Tests of the Kubernetes manifests in {@code deploy/kubernetes/}: each validated against
 * the Kubernetes API schema (the official Java client's models, strict), the scale-out
 * wiring between them, and the ConfigMap's configuration with {@code check-config}.
 */
package org.haap.deploy.kubernetes;
