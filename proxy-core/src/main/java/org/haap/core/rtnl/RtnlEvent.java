package org.haap.core.rtnl;

import java.util.Objects;

/** A decoded rtnetlink notification about a link or an address. */
public sealed interface RtnlEvent {

    /** {@code RTM_NEWLINK}: a link appeared or changed (flags, carrier, operstate, name...). */
    record NewLink(Link link) implements RtnlEvent {
        public NewLink {
            Objects.requireNonNull(link, "link");
        }
    }

    /** {@code RTM_DELLINK}: a link was removed. */
    record DelLink(Link link) implements RtnlEvent {
        public DelLink {
            Objects.requireNonNull(link, "link");
        }
    }

    /** {@code RTM_NEWADDR}: an address was added (or its state changed). */
    record NewAddress(LinkAddress address) implements RtnlEvent {
        public NewAddress {
            Objects.requireNonNull(address, "address");
        }
    }

    /** {@code RTM_DELADDR}: an address was removed. */
    record DelAddress(LinkAddress address) implements RtnlEvent {
        public DelAddress {
            Objects.requireNonNull(address, "address");
        }
    }
}
