package org.haap.ap;

/**
 * A deterministic byte stream for a seed (xorshift64*), cheap enough to produce and check
 * hundreds of MiB, and position-dependent so lost, duplicated or reordered chunks change
 * the digest.
 *
 * <p>The stream does not depend on how it is cut: {@code fill} in pieces of any sizes
 * yields the same bytes as one {@code fill} of the total. Bytes of a generated 64-bit word
 * that do not fit into one call are kept for the next call (a receiver checking chunks of
 * whatever size {@code read()} returned relies on this).
 */
final class TestData {

    private long state;
    private long word;
    private int left; // unused low-order bytes of word, 0..7

    TestData(long seed) {
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    void fill(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (left == 0) {
                state ^= state >>> 12;
                state ^= state << 25;
                state ^= state >>> 27;
                word = state * 0x2545F4914F6CDD1DL;
                left = 8;
            }
            b[i++] = (byte) (word >>> ((8 - left) * 8));
            left--;
        }
    }
}
