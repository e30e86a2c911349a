package org.haap.core.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A heap-buffer allocator that remembers every buffer it hands out, so a test can check
 * that all of them were released ({@link #assertAllReleased()}) at a point it chooses,
 * deterministically, instead of waiting for the leak detector to notice a collected buffer.
 * Set it as a channel's allocator ({@code channel.config().setAllocator(...)}) and allocate
 * the test's inbound buffers from it. Direct buffers are heap buffers here (nothing in a
 * test needs native memory). Not thread-safe: for one {@code EmbeddedChannel}.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> handedOut = new ArrayList<>();

    public TrackingAllocator() {
        super(false);
    }

    /** A buffer holding a copy of {@code bytes}, tracked like every other. */
    public ByteBuf copyOf(byte[] bytes, int from, int to) {
        return buffer(to - from).writeBytes(bytes, from, to - from);
    }

    /** How many buffers were handed out so far. */
    public int allocated() {
        return handedOut.size();
    }

    /** Fails (AssertionError) naming the first buffer still referenced, and how many are. */
    public void assertAllReleased() {
        List<ByteBuf> live = handedOut.stream().filter(b -> b.refCnt() != 0).toList();
        if (!live.isEmpty()) {
            ByteBuf first = live.get(0);
            throw new AssertionError(live.size() + " of " + handedOut.size() + " buffers not released; first: refCnt="
                    + first.refCnt() + " " + ByteBufUtil.hexDump(first, 0, Math.min(64, first.writerIndex())));
        }
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return track(super.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return compositeHeapBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private <B extends ByteBuf> B track(B buf) {
        handedOut.add(buf);
        return buf;
    }
}
