package org.haap.deploy.demo.internal;

import java.util.SplittableRandom;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The deterministic byte stream that senders send: a fixed pseudo-random block of
 * {@value #SIZE} bytes, repeated, each connection starting at its own offset (its seed).
 * Slices are zero-copy views of one read-only direct buffer; {@link #release()} frees it.
 */
public final class Pattern {

    /** The length of the repeated block. */
    public static final int SIZE = 1 << 20;

    private final ByteBuf block;

    /** Creates the block (the same bytes in every process). */
    public Pattern() {
        byte[] bytes = new byte[SIZE];
        SplittableRandom random = new SplittableRandom(0x4841_4150L);
        for (int i = 0; i < SIZE; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                bytes[i + j] = (byte) (v >>> (8 * j));
            }
        }
        ByteBuf direct = Unpooled.directBuffer(SIZE, SIZE);
        direct.writeBytes(bytes);
        this.block = direct.asReadOnly();
    }

    /**
     * A retained slice of the stream of {@code seed} at {@code position}, at most
     * {@code maxLength} bytes long (shorter where the block wraps around).
     */
    public ByteBuf slice(long seed, long position, int maxLength) {
        int offset = (int) Math.floorMod(seed + position, (long) SIZE);
        int length = Math.min(maxLength, SIZE - offset);
        return block.retainedSlice(offset, length);
    }

    /** Frees the block. */
    public void release() {
        block.release();
    }
}
