package org.haap.core.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.FileDescriptor;

import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The splice-pipe lending of one event loop, on real pipes and an {@link EmbeddedChannel}'s
 * event loop with frozen time: reuse, the process-wide limit, the pool bound, no reuse of a
 * pipe that holds a byte, and the tick that asks each holder until it lets go.
 */
class SplicePipesTest {

    private EmbeddedChannel clock;
    private SplicePipes pipes;
    private final List<FileDescriptor[]> taken = new ArrayList<>();
    private int inUseBefore;
    private int pooledBefore;
    private long shortagesBefore;

    @BeforeEach
    void setUp() {
        Prerequisites.requireEpoll(); // loads the native library behind FileDescriptor.pipe()
        clock = new EmbeddedChannel();
        clock.freezeTime();
        pipes = new SplicePipes(clock.eventLoop());
        inUseBefore = SplicePipes.inUse();
        pooledBefore = SplicePipes.pooled();
        shortagesBefore = SplicePipes.shortages();
    }

    @AfterEach
    void tearDown() {
        taken.forEach(pipes::give);
        while (pipes.pooledHere() > 0) {
            close(pipes.take(Integer.MAX_VALUE));
        }
        clock.finishAndReleaseAll();
    }

    private FileDescriptor[] take(int limit) {
        FileDescriptor[] p = pipes.take(limit);
        if (p != null) {
            taken.add(p);
        }
        return p;
    }

    private void give(FileDescriptor[] p) {
        taken.remove(p);
        pipes.give(p);
    }

    private void close(FileDescriptor[] p) {
        pipes.closedWithChannel();
        for (FileDescriptor fd : p) {
            try {
                fd.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aGivenBackEmptyPipeIsTheNextOneTaken() {
        FileDescriptor[] first = take(Integer.MAX_VALUE);
        assertNotNull(first);
        assertEquals(inUseBefore + 1, SplicePipes.inUse());
        give(first);
        assertEquals(inUseBefore, SplicePipes.inUse());
        assertEquals(1, pipes.pooledHere());
        assertEquals(pooledBefore + 1, SplicePipes.pooled());
        assertSame(first, take(Integer.MAX_VALUE), "reused, not a new pipe");
        assertTrue(first[0].isOpen() && first[1].isOpen());
        assertEquals(0, pipes.pooledHere());
    }

    @Test
    void pastTheLimitThereIsNoPipeAndTheShortageIsCounted() {
        int open = SplicePipes.inUse() + SplicePipes.pooled();
        assertNotNull(take(open + 2));
        assertNotNull(take(open + 2));
        assertNull(take(open + 2));
        assertEquals(shortagesBefore + 1, SplicePipes.shortages());
        give(taken.get(0));
        assertNotNull(take(open + 2), "the pooled pipe is within the limit");
        assertEquals(shortagesBefore + 1, SplicePipes.shortages());
    }

    @Test
    void atMostPooledPipesAreKeptTheRestAreClosed() {
        List<FileDescriptor[]> many = new ArrayList<>();
        for (int i = 0; i < SplicePipes.POOLED + 2; i++) {
            many.add(take(Integer.MAX_VALUE));
        }
        many.forEach(this::give);
        assertEquals(SplicePipes.POOLED, pipes.pooledHere());
        assertEquals(pooledBefore + SplicePipes.POOLED, SplicePipes.pooled());
        long closed = many.stream().filter(p -> !p[0].isOpen() && !p[1].isOpen()).count();
        assertEquals(2, closed);
    }

    @Test
    void aPipeHoldingAByteIsClosedNotPooled() throws IOException {
        FileDescriptor[] p = take(Integer.MAX_VALUE);
        ByteBuffer one = ByteBuffer.allocateDirect(1).put((byte) 42).flip();
        assertEquals(1, p[1].write(one, 0, 1));
        give(p);
        assertEquals(0, pipes.pooledHere());
        assertFalse(p[0].isOpen());
        assertFalse(p[1].isOpen());
        assertEquals(inUseBefore, SplicePipes.inUse());
        assertEquals(pooledBefore, SplicePipes.pooled());
    }

    /** A holder that stays for a given number of ticks. */
    private static final class Holder implements SplicePipes.Holder {
        int ticks;
        int stayFor;

        Holder(int stayFor) {
            this.stayFor = stayFor;
        }

        @Override
        public boolean onTick() {
            ticks++;
            return ticks < stayFor;
        }
    }

    private void advanceOneTick() {
        clock.advanceTimeBy(SplicePipes.TICK_NANOS, TimeUnit.NANOSECONDS);
        clock.runScheduledPendingTasks();
    }

    @Test
    void eachHolderIsAskedOnceATickUntilItLetsGo() {
        Holder brief = new Holder(1);
        Holder longer = new Holder(3);
        pipes.watch(brief);
        pipes.watch(longer);
        clock.advanceTimeBy(SplicePipes.TICK_NANOS - 1, TimeUnit.NANOSECONDS);
        clock.runScheduledPendingTasks();
        assertEquals(0, brief.ticks, "not before a tick");
        advanceOneTick();
        assertEquals(1, brief.ticks);
        assertEquals(1, longer.ticks);
        advanceOneTick();
        advanceOneTick();
        assertEquals(1, brief.ticks, "let go after its first tick");
        assertEquals(3, longer.ticks);
        advanceOneTick();
        assertEquals(3, longer.ticks, "let go after its third tick");
        assertEquals(-1, clock.runScheduledPendingTasks(), "no tick scheduled while nothing is watched");
        Holder later = new Holder(1);
        pipes.watch(later);
        advanceOneTick();
        assertEquals(1, later.ticks, "ticking resumes for a new holder");
    }
}
