package org.haap.core.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Talks to the real kernel: generic netlink's controller resolves its own family id. */
class NetlinkSocketIT {

    @Test
    void resolvesTheGenericNetlinkControllerFamily() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC)) {
            assertTrue(socket.portId() != 0, "kernel assigns a port id");
            int seq = socket.nextSequence();
            // CTRL_CMD_GETFAMILY (3), CTRL_ATTR_FAMILY_NAME (2) = "nlctrl", to GENL_ID_CTRL (0x10)
            socket.send(NetlinkMessage.builder(0x10, NetlinkMessage.NLM_F_REQUEST).sequence(seq)
                    .putU8(3).putU8(1).putU16(0).attrString(2, "nlctrl").build());
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            int n = socket.receive(buf, Duration.ofSeconds(5));
            assertTrue(n > 0, "a reply arrives");
            List<NetlinkMessage> replies = NetlinkMessage.parseAll(buf);
            NetlinkMessage reply = replies.get(0);
            assertEquals(seq, reply.sequence());
            assertEquals(0x10, reply.type());
            NetlinkAttributes attrs = reply.attributes(4);
            assertEquals(0x10, attrs.u16(1), "CTRL_ATTR_FAMILY_ID of nlctrl");
            assertEquals("nlctrl", attrs.string(2));
            assertEquals(0, socket.receive(buf, Duration.ofMillis(20)), "nothing else queued");
        }
    }
}
