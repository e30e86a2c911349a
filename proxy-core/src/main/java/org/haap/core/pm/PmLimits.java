package org.haap.core.pm;

/**
 * The in-kernel path manager's per-connection limits ({@code ip mptcp limits}).
 *
 * @param subflows        extra subflows per connection, 0..8
 * @param addAddrAccepted ADD_ADDR announcements accepted from the peer per connection, 0..8
 */
public record PmLimits(int subflows, int addAddrAccepted) {

    /** The kernel's largest limit. */
    public static final int MAX = 8;

    public PmLimits {
        check("subflows", subflows);
        check("addAddrAccepted", addAddrAccepted);
    }

    private static void check(String name, int value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0.." + MAX + ')');
        }
    }
}
