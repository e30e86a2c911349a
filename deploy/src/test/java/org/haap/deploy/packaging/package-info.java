/**
 * Tests of what an operator installs from {@code deploy/package} and {@code deploy/systemd}:
 * the self-contained tarball (built by {@code build-package.sh}, unpacked and run without any
 * JDK on the PATH) and the systemd units ({@code systemd-analyze verify}).
 */
package org.haap.deploy.packaging;
