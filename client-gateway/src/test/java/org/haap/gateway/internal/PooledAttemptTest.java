package org.haap.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;
import org.haap.core.convert.ConvertErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the gateway may send a client's bytes again on another connection: only if none of the
 * Convert message left, or the AP refused it before any upstream connect.
 */
class PooledAttemptTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final PooledAttempt attempt = new PooledAttempt();

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void nothingWrittenYetIsNothingSent() {
        assertTrue(attempt.sentNothing());
    }

    @Test
    void aWrittenMessageMayHaveBeenActedOn() {
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[24]), attempt.track(channel));
        assertFalse(attempt.sentNothing());
    }

    @Test
    void aWriteOnAClosedConnectionSentNothing() {
        channel.close();
        ChannelPromise p = attempt.track(channel);
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[24]), p);
        assertTrue(p.isDone() && !p.isSuccess(), "the write failed");
        assertTrue(attempt.sentNothing());
    }

    @Test
    void aWriteThatFailedAfterSomeBytesLeftMayHaveBeenActedOn() {
        ChannelProgressivePromise p = (ChannelProgressivePromise) attempt.track(channel);
        p.tryProgress(8, 24);
        p.tryFailure(new IOException("Connection reset by peer"));
        assertFalse(attempt.sentNothing());
    }

    @Test
    void aWriteStillPendingMayYetLeave() {
        channel.write(Unpooled.wrappedBuffer(new byte[24]), attempt.track(channel)); // not flushed
        assertFalse(attempt.sentNothing());
    }

    @Test
    void onlyRefusalsTheApSendsBeforeConnectingUpstreamProveItDidNotAct() {
        assertEquals(EnumSet.of(ConvertErrorCode.UNSUPPORTED_VERSION, ConvertErrorCode.MALFORMED_MESSAGE,
                ConvertErrorCode.UNSUPPORTED_MESSAGE, ConvertErrorCode.MISSING_COOKIE, ConvertErrorCode.NOT_AUTHORIZED,
                ConvertErrorCode.UNSUPPORTED_TCP_OPTION, ConvertErrorCode.RESOURCE_EXCEEDED),
                codesWhere(PooledAttempt::refusedBeforeUpstream));
    }

    @Test
    void onlyRefusalsThatCanDependOnTheConnectionAreWorthAFreshOne() {
        assertEquals(EnumSet.of(ConvertErrorCode.MISSING_COOKIE, ConvertErrorCode.RESOURCE_EXCEEDED),
                codesWhere(PooledAttempt::worthAFreshConnection));
    }

    private static Set<ConvertErrorCode> codesWhere(Predicate<ConvertErrorCode> p) {
        Set<ConvertErrorCode> out = EnumSet.noneOf(ConvertErrorCode.class);
        Arrays.stream(ConvertErrorCode.values()).filter(p).forEach(out::add);
        return out;
    }
}
