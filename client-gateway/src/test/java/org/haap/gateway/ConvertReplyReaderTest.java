package org.haap.gateway;

import static org.haap.gateway.StageFixture.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reply reader on its own: put on several candidate connections before anything is
 * written on them (as when the Convert message rides in each racing SYN), each reports its
 * own outcome, exactly once.
 */
class ConvertReplyReaderTest {

    private final EmbeddedChannel a = new EmbeddedChannel();
    private final EmbeddedChannel b = new EmbeddedChannel();
    private final List<String> events = new ArrayList<>();
    private final ConvertReplyReader.Listener listener = new ConvertReplyReader.Listener() {
        @Override
        public void refused(Channel ap, ConvertErrorCode code) {
            events.add(name(ap) + " refused " + code);
        }

        @Override
        public void data(Channel ap, ByteBuf buf) {
            events.add(name(ap) + " data " + buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }

        @Override
        public void accepted(Channel ap, boolean inputShut) {
            events.add(name(ap) + " accepted");
        }

        @Override
        public void failed(Channel ap, ConvertReplyReader.Failure failure, boolean accepted, String detail) {
            events.add(name(ap) + " " + failure);
        }
    };

    ConvertReplyReaderTest() {
        a.freezeTime();
        b.freezeTime();
    }

    @AfterEach
    void release() {
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    private String name(Channel ch) {
        return ch == a ? "a" : ch == b ? "b" : "?";
    }

    private static ByteBuf reply(ConvertMessage m) {
        return Unpooled.wrappedBuffer(ConvertCodec.encode(m));
    }

    @Test
    void eachCandidateReportsItsOwnReplyInTheOrderTheyCome() {
        ConvertReplyReader ra = ConvertReplyReader.install(a, listener);
        ConvertReplyReader rb = ConvertReplyReader.install(b, listener);
        ra.arm(Duration.ofSeconds(1));
        rb.arm(Duration.ofSeconds(1));
        b.writeInbound(Unpooled.wrappedBuffer(reply(ConvertMessage.success()), ascii("hello")));
        a.writeInbound(reply(ConvertMessage.error(ConvertErrorCode.RESOURCE_EXCEEDED)));
        assertEquals(List.of("b data hello", "b accepted", "a refused RESOURCE_EXCEEDED"), events);
        a.advanceTimeBy(1, TimeUnit.MINUTES);
        b.advanceTimeBy(1, TimeUnit.MINUTES);
        a.runPendingTasks();
        b.runPendingTasks();
        a.close();
        assertEquals(3, events.size(), "one outcome each: no timeout, no reset after it");
    }

    @Test
    void aCancelledReaderReportsNothingAndReleasesWhatItReads() {
        ConvertReplyReader ra = ConvertReplyReader.install(a, listener);
        ra.arm(Duration.ofMillis(100));
        ra.cancel();
        a.writeInbound(Unpooled.wrappedBuffer(reply(ConvertMessage.success()), ascii("late")));
        a.advanceTimeBy(1, TimeUnit.SECONDS);
        a.runPendingTasks();
        a.close();
        assertEquals(List.of(), events);
    }

    @Test
    void aTimeoutIsReportedOnce() {
        ConvertReplyReader.install(a, listener).arm(Duration.ofMillis(100));
        a.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        a.runPendingTasks();
        a.close();
        assertEquals(List.of("a TIMEOUT"), events);
    }
}
