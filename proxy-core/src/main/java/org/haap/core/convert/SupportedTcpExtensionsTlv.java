package org.haap.core.convert;

import java.util.List;

/**
 * The Supported TCP Extensions TLV (type 21): Type, Length, a 16-bit Unassigned field, then
 * one byte per supported TCP option kind, zero-padded to a word boundary. Kind 0 (End of
 * Option List) is the padding and never a list entry.
 *
 * @param kinds the supported TCP option kinds, each 1-255, in wire order
 */
public record SupportedTcpExtensionsTlv(List<Integer> kinds) implements ConvertTlv {

    /** The wire type. */
    public static final int TYPE = 21;

    /** Validates and copies. */
    public SupportedTcpExtensionsTlv {
        kinds = List.copyOf(kinds);
        for (int kind : kinds) {
            if (kind < 1 || kind > 255) {
                throw new IllegalArgumentException("kinds: " + kind + " (expected: 1..255)");
            }
        }
    }

    @Override
    public int type() {
        return TYPE;
    }
}
