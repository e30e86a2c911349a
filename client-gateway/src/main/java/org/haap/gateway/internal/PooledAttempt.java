package org.haap.gateway.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import org.haap.core.convert.ConvertErrorCode;

/**
 * One Convert exchange on a warm-pool connection, judged by the rule that a LAN client's
 * bytes go upstream at most once: the same Convert message and client bytes may be sent again
 * on another connection only when the aggregation point provably did not act on them.
 * That is proven in two cases:
 * <ul>
 *   <li><b>nothing left</b>: no byte of the message reached the kernel (the connection was
 *       closed or reset before the write, or the write failed before any progress);</li>
 *   <li><b>refused before connecting</b>: the AP answered with an Error TLV it sends only
 *       before any upstream connect ({@link #refusedBeforeUpstream}).</li>
 * </ul>
 * Anything else once the message was written (a close, a reset, an undecodable reply) leaves
 * open whether the AP connected upstream and forwarded the client's bytes: the caller resets
 * the LAN connection instead, as an HTTP client must not replay a non-idempotent request on a
 * reused connection that failed after it was sent. Used on the session's event loop only.
 */
public final class PooledAttempt {

    private boolean tracked;
    private boolean done;
    private boolean failed;
    private long progress;

    /**
     * A promise for the write of the Convert message on {@code channel} (the first write of
     * the exchange: the client's bytes follow it, so if none of it left, none of them did).
     */
    public ChannelPromise track(Channel channel) {
        tracked = true;
        ChannelProgressivePromise promise = channel.newProgressivePromise();
        promise.addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture f, long soFar, long total) {
                progress = Math.max(progress, soFar);
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture f) {
                done = true;
                failed = !f.isSuccess();
            }
        });
        return promise;
    }

    /**
     * Whether no byte of the Convert message can have reached the aggregation point: it was
     * never written, or its write failed without progress. A write still pending counts as
     * sent (it may yet leave).
     */
    public boolean sentNothing() {
        return !tracked || done && failed && progress == 0;
    }

    /**
     * Whether the aggregation point sends Error {@code code} only before it connects upstream,
     * so receiving it proves that no client byte went further: the message-validation codes
     * (0 Unsupported Version, 1 Malformed Message, 2 Unsupported Message), the client-side ones
     * (3 Missing Cookie, 32 Not Authorized, 33 Unsupported TCP Option) and 64 Resource Exceeded
     * (limits, checked before the connect). Not 65, 96 or 97: they report the upstream
     * connect's failure, so the AP did act; nor 192 Duplicate Attempt: the AP acts on the
     * message through another connection.
     */
    public static boolean refusedBeforeUpstream(ConvertErrorCode code) {
        return switch (code) {
            case UNSUPPORTED_VERSION, MALFORMED_MESSAGE, UNSUPPORTED_MESSAGE, MISSING_COOKIE, NOT_AUTHORIZED,
                    UNSUPPORTED_TCP_OPTION, RESOURCE_EXCEEDED -> true;
            case NETWORK_FAILURE, CONNECTION_RESET, DESTINATION_UNREACHABLE, DUPLICATE_ATTEMPT -> false;
        };
    }

    /**
     * Whether a refusal with {@code code} on a pooled connection is worth a fresh connection:
     * a refusal before any upstream connect that can depend on the connection, namely 3 Missing
     * Cookie (a pooled Connect carries no Cookie TLV, a fresh one does) and 64 Resource Exceeded
     * (that node's limits, or its drain). The others would be given again to the same message.
     */
    public static boolean worthAFreshConnection(ConvertErrorCode code) {
        return refusedBeforeUpstream(code)
                && (code == ConvertErrorCode.MISSING_COOKIE || code == ConvertErrorCode.RESOURCE_EXCEEDED);
    }
}
