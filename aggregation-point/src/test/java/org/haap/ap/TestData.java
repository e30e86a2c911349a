package org.haap.ap;

/**
 * A deterministic byte stream for a seed (xorshift64*), cheap enough to produce and check
 * hundreds of MiB, and position-dependent so lost, duplicated or reordered chunks change
 * the digest.
 */
final class TestData {

    private long state;

    TestData(long seed) {
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    void fill(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            long r = state * 0x2545F4914F6CDD1DL;
            for (int k = 0; k < 8 && i < end; k++, i++) {
                b[i] = (byte) (r >>> (k * 8));
            }
        }
    }
}
