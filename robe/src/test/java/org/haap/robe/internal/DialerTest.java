package org.haap.robe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import org.haap.core.sys.internal.Errno;
import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.testing.Prerequisites;
import org.haap.robe.Outcome;
import org.junit.jupiter.api.Test;

/** A failed attempt's outcome, from the exceptions the MPTCP socket factory and Netty raise. */
class DialerTest {

    /** What Netty's connect path throws for {@code negativeErrno}. */
    private static IOException nettyConnectError(int negativeErrno) {
        return assertThrows(IOException.class, () -> Errors.handleConnectErrno("finishConnect", negativeErrno));
    }

    @Test
    void nettyConnectErrorsByErrno() {
        Prerequisites.requireEpoll(); // Netty's Errors needs the native transport
        assertEquals(Outcome.REFUSED, Dialer.classify(nettyConnectError(-111)));      // ECONNREFUSED
        assertEquals(Outcome.TIMEOUT, Dialer.classify(nettyConnectError(-110)));      // ETIMEDOUT (SYN retries)
        assertEquals(Outcome.UNREACHABLE, Dialer.classify(nettyConnectError(-113)));  // EHOSTUNREACH
        assertEquals(Outcome.UNREACHABLE, Dialer.classify(nettyConnectError(-13)));   // EACCES: prohibit route
        assertEquals(Outcome.LOCAL_ERROR, Dialer.classify(nettyConnectError(-99)));   // EADDRNOTAVAIL
        assertEquals(Outcome.ERROR, Dialer.classify(nettyConnectError(-5)));          // EIO
    }

    @Test
    void socketSetUpFailuresAreLocal() {
        assertEquals(Outcome.LOCAL_ERROR, Dialer.classify(
                new ErrnoException("setsockopt(SO_BINDTODEVICE wan0)", Errno.ENODEV, "No such device")));
        BindException bind = new BindException("bind failed");
        bind.initCause(new ErrnoException("bind", Errno.EADDRNOTAVAIL, "Cannot assign requested address"));
        assertEquals(Outcome.LOCAL_ERROR, Dialer.classify(bind));
    }

    @Test
    void jdkTypesAndNotMessageText() {
        assertEquals(Outcome.TIMEOUT, Dialer.classify(new ConnectTimeoutException("connection timed out")));
        assertEquals(Outcome.UNREACHABLE, Dialer.classify(new NoRouteToHostException()));
        assertEquals(Outcome.REFUSED, Dialer.classify(new ConnectException("Connection refused")));
        assertEquals(Outcome.ERROR, Dialer.classify(new IOException("setsockopt failed: Connection refused")));
        assertEquals(Outcome.ERROR, Dialer.classify(new IllegalStateException("unreachable")));
    }
}
