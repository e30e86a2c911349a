package org.haap.core.convert;

import io.netty.buffer.ByteBufUtil;

/** Small byte-array helpers shared by the TLV records; not API. */
final class WireBytes {

    static final byte[] EMPTY = new byte[0];

    private WireBytes() {
    }

    /**
     * Returns a copy of {@code src} (null means empty) followed by the fewest zero bytes
     * that make {@code lead + length} a multiple of 4, i.e. the field as it appears on the
     * wire when it starts {@code lead} bytes after a word boundary and ends its TLV.
     */
    static byte[] padded(byte[] src, int lead) {
        byte[] s = src == null ? EMPTY : src;
        int length = s.length + Math.floorMod(-(lead + s.length), 4);
        byte[] copy = new byte[length];
        System.arraycopy(s, 0, copy, 0, s.length);
        return copy;
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
