package org.haap.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import org.haap.core.net.SocketFailure;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.junit.jupiter.api.Test;

/** How a failed bypass connect ends the session, decided by the failure's errno or type. */
class DirectConnectFailureTest {

    private static Termination ended(Throwable cause) {
        return GatewaySessionHandler.directConnectFailed(SocketFailure.classify(cause));
    }

    @Test
    void aRefusalIsTheServersReset() {
        assertEquals(new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT),
                ended(new ConnectException("Connection refused")));
    }

    @Test
    void anythingElseIsTheGatewaysFailedConnect() {
        Termination failed = new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT);
        assertEquals(failed, ended(new NoRouteToHostException()));
        assertEquals(failed, ended(new ClosedChannelException()));
        // the text is not read: a message that mentions a refusal is not one
        assertEquals(failed, ended(new IOException("refused by policy")));
    }
}
