/**
 * Session lifecycle vocabulary shared by both applications: the phases a proxied
 * connection goes through and the {@link org.haap.core.session.Termination} record that
 * says, once per session, who ended it, why, and in which phase.
 */
package org.haap.core.session;
