package org.haap.core.relay;

/** The direction bytes travel through a relay. */
public enum Direction {
    /** Client to server: read from the downstream channel, written to the upstream one. */
    UPSTREAM,
    /** Server to client: read from the upstream channel, written to the downstream one. */
    DOWNSTREAM
}
