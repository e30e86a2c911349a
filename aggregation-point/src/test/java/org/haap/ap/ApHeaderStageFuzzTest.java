package org.haap.ap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.haap.ap.ApPipelineHarness.AcceptedChannel;
import org.haap.ap.internal.PoolAdmission;
import org.haap.config.ApConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ErrorTlv;
import org.haap.core.convert.PoolHelloTlv;
import org.haap.core.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the aggregation point's header stage: an accepted
 * connection's pipeline ({@link ApPipelineHarness}, as the AP builds it) fed fuzzed bytes in
 * fuzzed chunks, optionally behind a valid warm-pool hello, then ended by nothing, an input
 * shutdown, a close or the header and pool-idle timeouts. The AP denies every destination,
 * so no input may lead to an upstream connect. After each input:
 * <ul>
 *   <li>no exception reached the end of the pipeline;</li>
 *   <li>what the AP wrote is a sequence of whole Convert messages: at most one pool ack (only
 *       after the valid hello), then at most one Error TLV reply, never a success reply nor a
 *       connect-phase error (the one other answer: the Supported TCP Extensions TLV alone, to
 *       a message with an Info TLV and no Connect TLV); a stream the codec rejects gets
 *       exactly its error code;</li>
 *   <li>after an error reply or any end the channel is closed; left open it has answered
 *       nothing but the ack and waits for more of an incomplete message;</li>
 *   <li>once closed, the session has ended exactly once and given back its limiter and pool
 *       slots; no upstream connect was counted; every buffer was released (all come from a
 *       {@link TrackingAllocator}; leak detection is PARANOID as in every test run).</li>
 * </ul>
 * A plain {@code mvn verify} runs the seeds in {@code ApHeaderStageFuzzTestInputs}; see
 * proxy-core/README.md for the fuzzing runs.
 */
class ApHeaderStageFuzzTest {

    static final String COOKIE = "fuzz-cookie";
    /** Control bytes before the stream, see {@link Input}. */
    static final int CONTROL_BYTES = 3;
    private static final InetSocketAddress CLIENT4 = new InetSocketAddress("192.0.2.7", 40000);
    private static final InetSocketAddress CLIENT6 = new InetSocketAddress("2001:db8::7", 40000);
    /** Errors only an upstream connect attempt can produce. */
    private static final Set<ConvertErrorCode> CONNECT_PHASE = EnumSet.of(ConvertErrorCode.NETWORK_FAILURE,
            ConvertErrorCode.CONNECTION_RESET, ConvertErrorCode.DESTINATION_UNREACHABLE);
    private static final ApConfig CONFIG = HaapConfigLoader.aggregationPoint(ConfigFactory.parseString("""
            haap.aggregation-point {
              listen = ["192.0.2.1:5124"]
              cookies = ["%s"]
              require-cookie = true
              destinations { deny = ["0.0.0.0/0", "::/0"], allow = [] }
              timeouts { header = 10s, pool-idle = 120s }
            }
            """.formatted(COOKIE)));
    /**
     * One AP context for every input, as one running AP serves every connection: each input
     * must give back all it took (checked after each), so nothing carries over but the
     * counters, which are compared before and after. (A fresh context per input, with its
     * meter registry, cost most of the time of an execution.) Only the pool's nonce cache
     * carries over by design (a nonce is remembered for two minutes); a fuzzer sends more
     * valid hellos in that time than {@link PoolAdmission#MAX_NONCES}, which a real AP would
     * rightly refuse as over the limit, so the context is replaced before that many.
     */
    private static ApContext context = ApPipelineHarness.context(CONFIG);
    private static int hellosInContext;
    /** Past both the header and the pool-idle timeout. */
    private static final long LONG_AFTER_SECONDS = 3600;

    private static final Logger SESSION_LOG = Logger.getLogger("org.haap.ap.session");
    private static Level sessionLogLevel;

    /** One line per session at INFO would be thousands of lines a second while fuzzing. */
    @BeforeAll
    static void quietSessionLog() {
        sessionLogLevel = SESSION_LOG.getLevel();
        SESSION_LOG.setLevel(Level.WARNING);
    }

    @AfterAll
    static void restoreSessionLog() {
        SESSION_LOG.setLevel(sessionLogLevel);
    }

    /** How the input ends after its last chunk. */
    enum End { NONE, INPUT_SHUTDOWN, CLOSE, TIMEOUT }

    /**
     * One fuzz input: byte 0 bits 0-1 the {@link End}, bit 2 a valid pool hello (signed
     * with {@link #COOKIE} now) before the stream, bit 3 an IPv6 client; bytes 1 and 2 the
     * lengths of alternating chunks (0 = the rest at once); then the stream.
     */
    record Input(End end, boolean hello, boolean ipv6, int chunkA, int chunkB, byte[] stream) {
        static Input parse(byte[] raw) {
            byte[] control = Arrays.copyOf(raw, CONTROL_BYTES);
            int c0 = control[0] & 0xff;
            return new Input(End.values()[c0 & 3], (c0 & 4) != 0, (c0 & 8) != 0, control[1] & 0xff,
                    control[2] & 0xff,
                    raw.length > CONTROL_BYTES ? Arrays.copyOfRange(raw, CONTROL_BYTES, raw.length) : new byte[0]);
        }
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({COOKIE, "\001\001\"c"})
    void headerStageAnswersOnceClosesAndReleasesEverything(byte[] raw) throws Exception {
        Input input = Input.parse(raw);
        String what = ByteBufUtil.hexDump(raw);
        if (input.hello() && ++hellosInContext >= PoolAdmission.MAX_NONCES / 2) {
            context = ApPipelineHarness.context(CONFIG);
            hellosInContext = 1;
        }
        double upstreamBefore = upstreamAttempts(context.metrics().registry());
        TrackingAllocator alloc = new TrackingAllocator();
        AcceptedChannel channel = ApPipelineHarness.accept(context, input.ipv6() ? CLIENT6 : CLIENT4, alloc);
        try {
            byte[] wire = input.hello() ? ApItFixture.concat(validHello(), input.stream()) : input.stream();
            boolean odd = false;
            for (int at = 0; at < wire.length && channel.isOpen(); odd = !odd) {
                int chunk = odd ? input.chunkB() : input.chunkA();
                int to = chunk == 0 ? wire.length : Math.min(wire.length, at + chunk);
                channel.writeInbound(alloc.copyOf(wire, at, to));
                at = to;
            }
            switch (input.end()) {
                case INPUT_SHUTDOWN -> channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                case CLOSE -> channel.close();
                case TIMEOUT -> channel.advanceTimeBy(LONG_AFTER_SECONDS, TimeUnit.SECONDS);
                case NONE -> { }
            }
            channel.runPendingTasks();
            channel.checkException();
            checkReplies(input, replies(channel, what), channel.isOpen(), what);
        } finally {
            channel.finishAndReleaseAll();
        }
        channel.checkException();
        alloc.assertAllReleased();
        assertEquals(0, context.metrics().activeSessions(), "sessions ended exactly once: " + what);
        assertEquals(0, context.admission().size(), "unauthenticated tickets given back: " + what);
        assertEquals(0, context.limiter().total(), "limiter slots given back: " + what);
        assertEquals(0, context.pool().pooled(), "pool slots given back: " + what);
        assertEquals(upstreamBefore, upstreamAttempts(context.metrics().registry()), "upstream connects: " + what);
    }

    /**
     * The expected answer, from the codec's view of the stream (after the hello, if any):
     * rejected bytes get their error code; a whole message gets one error (every destination
     * is denied); an incomplete one gets nothing while the input continues.
     */
    private static void checkReplies(Input input, List<ConvertMessage> replies, boolean open, String what) {
        List<ConvertMessage> rest = replies;
        if (input.hello()) {
            assertFalse(replies.isEmpty(), "no pool ack for a valid hello: " + what);
            assertTrue(replies.get(0).poolAckTlv().isPresent() && replies.get(0).tlvs().size() == 1,
                    "first reply not a pool ack: " + replies + " " + what);
            rest = replies.subList(1, replies.size());
        }
        assertTrue(rest.size() <= 1, "more than one reply: " + replies + " " + what);
        ConvertErrorCode sent = null;
        Decoded decoded = decode(input.stream());
        if (!rest.isEmpty() && rest.get(0).errorTlv().isEmpty()) {
            // The one answer that is not an error: an Info TLV without Connect (RFC 8803 section 6.2.3).
            ConvertMessage reply = rest.get(0);
            assertTrue(decoded.infoOnly(), "reply is not an error (success means a connect): " + reply + " " + what);
            assertTrue(reply.supportedTcpExtensionsTlv().isPresent() && reply.tlvs().size() == 1,
                    "an Info TLV answered with other TLVs: " + reply + " " + what);
            assertFalse(open, "open after answering an Info TLV: " + what);
            return;
        }
        if (!rest.isEmpty()) {
            ConvertMessage reply = rest.get(0);
            ErrorTlv error = reply.errorTlv().orElseThrow();
            assertEquals(1, reply.tlvs().size(), "reply carries one TLV: " + reply + " " + what);
            assertFalse(CONNECT_PHASE.contains(error.code()), "connect-phase error: " + reply + " " + what);
            sent = error.code();
            assertFalse(open, "open after an error reply: " + what);
        }
        if (decoded.error() != null) {
            assertEquals(decoded.error(), sent, "error code for rejected bytes: " + what);
        } else if (decoded.complete()) {
            assertNotNull(sent, "a whole message left unanswered (every destination is denied): " + what);
        } else if (input.end() == End.NONE) {
            assertTrue(open, "closed while the message is incomplete: " + what);
            assertEquals(null, sent, "answered an incomplete message: " + what);
        } else {
            assertFalse(open, "open after " + input.end() + ": " + what);
            if (sent != null) {
                assertEquals(ConvertErrorCode.MALFORMED_MESSAGE, sent, "error for a cut message: " + what);
            }
        }
        if (input.end() != End.NONE) {
            assertFalse(open, "open after " + input.end() + ": " + what);
        }
    }

    /**
     * The codec's decision on the stream: rejected (with its code), a whole message (an Info
     * TLV without a Connect TLV, which may be answered without an error, or another), or
     * incomplete.
     */
    record Decoded(ConvertErrorCode error, boolean complete, boolean infoOnly) {
    }

    private static Decoded decode(byte[] stream) {
        ByteBuf buf = Unpooled.wrappedBuffer(stream);
        try {
            ConvertMessage m = ConvertCodec.decode(buf);
            return new Decoded(null, m != null,
                    m != null && m.infoTlv().isPresent() && m.connectTlv().isEmpty() && m.poolHelloTlv().isEmpty());
        } catch (ConvertException e) {
            return new Decoded(e.errorCode(), false, false);
        } finally {
            buf.release();
        }
    }

    /** Everything the AP wrote, decoded; fails unless it is a sequence of whole Convert messages. */
    private static List<ConvertMessage> replies(AcceptedChannel channel, String what) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (Object o; (o = channel.readOutbound()) != null; ) {
                if (!(o instanceof ByteBuf b)) {
                    fail("wrote a " + o.getClass().getName() + ": " + what);
                    return List.of();
                }
                all.writeBytes(b);
                assertTrue(b.release(), "reply buffer still referenced: " + what);
            }
            List<ConvertMessage> replies = new ArrayList<>();
            while (all.isReadable()) {
                ConvertMessage m = ConvertCodec.decode(all);
                assertNotNull(m, "incomplete reply " + ByteBufUtil.hexDump(all) + ": " + what);
                replies.add(m);
            }
            return replies;
        } catch (ConvertException e) {
            throw new AssertionError("invalid reply " + ByteBufUtil.hexDump(all) + ": " + what, e);
        } finally {
            all.release();
        }
    }

    private static double upstreamAttempts(MeterRegistry registry) {
        double failed = registry.find("haap.ap.upstream.failures").counters().stream()
                .mapToDouble(Counter::count).sum();
        return failed + registry.get("haap.ap.upstream.connect").timer().count();
    }

    /** A pool hello the AP accepts: signed with the cookie, stamped now, a fresh nonce. */
    private static byte[] validHello() {
        byte[] nonce = new byte[PoolHelloTlv.NONCE_BYTES];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(nonce);
        return ConvertCodec.encode(ConvertMessage.poolHello(
                PoolHelloTlv.sign(COOKIE.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(), nonce)));
    }
}
