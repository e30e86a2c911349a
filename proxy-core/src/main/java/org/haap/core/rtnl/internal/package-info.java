/** Wire constants and the message encoders/decoders of rtnetlink links and addresses; not API. */
package org.haap.core.rtnl.internal;
