package org.haap.core.pm.internal;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.haap.core.sys.NetlinkAttributes;
import org.haap.core.sys.NetlinkFormatException;
import org.haap.core.sys.NetlinkMessage;

/**
 * Generic-netlink framing: the 4-byte {@code genlmsghdr} (command, version, reserved) and the
 * controller family's {@code CTRL_CMD_GETFAMILY}, which maps a family name to its dynamic id
 * and multicast groups.
 */
public final class GenericNetlink {

    /** Size of {@code struct genlmsghdr}. */
    public static final int HEADER_LENGTH = 4;
    /** {@code GENL_ID_CTRL}: the controller's fixed message type. */
    public static final int GENL_ID_CTRL = 0x10;
    /** {@code CTRL_CMD_GETFAMILY}. */
    public static final int CTRL_CMD_GETFAMILY = 3;
    /** {@code CTRL_ATTR_FAMILY_ID} (u16). */
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    /** {@code CTRL_ATTR_FAMILY_NAME} (string). */
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    /** {@code CTRL_ATTR_VERSION} (u32). */
    public static final int CTRL_ATTR_VERSION = 3;
    /** {@code CTRL_ATTR_MCAST_GROUPS} (nested array). */
    public static final int CTRL_ATTR_MCAST_GROUPS = 7;
    /** {@code CTRL_ATTR_MCAST_GRP_NAME} (string). */
    public static final int CTRL_ATTR_MCAST_GRP_NAME = 1;
    /** {@code CTRL_ATTR_MCAST_GRP_ID} (u32). */
    public static final int CTRL_ATTR_MCAST_GRP_ID = 2;

    private GenericNetlink() {
    }

    /** A resolved family: its message type, version and multicast groups by name. */
    public record Family(int id, int version, Map<String, Integer> groups) {
        public Family {
            groups = Map.copyOf(groups);
        }
    }

    /** Starts a message of family {@code familyId} with the generic-netlink header. */
    public static NetlinkMessage.Builder request(int familyId, int flags, int seq, int cmd, int version) {
        return NetlinkMessage.builder(familyId, flags).sequence(seq)
                .putU8(cmd).putU8(version).putU16(0);
    }

    /** {@code CTRL_CMD_GETFAMILY} for {@code name}, with {@code NLM_F_REQUEST | NLM_F_ACK}. */
    public static ByteBuffer getFamily(String name, int seq) {
        return request(GENL_ID_CTRL, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, seq,
                CTRL_CMD_GETFAMILY, 1)
                .attrString(CTRL_ATTR_FAMILY_NAME, name)
                .build();
    }

    /**
     * The generic-netlink command of a message.
     *
     * @throws NetlinkFormatException if the payload is shorter than a {@code genlmsghdr}
     */
    public static int command(NetlinkMessage message) {
        ByteBuffer p = message.payload();
        if (p.remaining() < HEADER_LENGTH) {
            throw new NetlinkFormatException("genlmsghdr: " + p.remaining() + " bytes (expected: >= "
                    + HEADER_LENGTH + ")");
        }
        return p.get(0) & 0xff;
    }

    /** Decodes the controller's reply to {@link #getFamily}. */
    public static Family parseFamily(NetlinkMessage reply) {
        NetlinkAttributes attrs = reply.attributes(HEADER_LENGTH);
        int id = attrs.u16(CTRL_ATTR_FAMILY_ID);
        int version = attrs.has(CTRL_ATTR_VERSION) ? attrs.u32(CTRL_ATTR_VERSION) : 0;
        Map<String, Integer> groups = new HashMap<>();
        if (attrs.has(CTRL_ATTR_MCAST_GROUPS)) {
            for (NetlinkAttributes.Attribute group : attrs.nested(CTRL_ATTR_MCAST_GROUPS).all()) {
                NetlinkAttributes g = NetlinkAttributes.parse(group.value());
                if (g.has(CTRL_ATTR_MCAST_GRP_NAME) && g.has(CTRL_ATTR_MCAST_GRP_ID)) {
                    groups.put(g.string(CTRL_ATTR_MCAST_GRP_NAME), g.u32(CTRL_ATTR_MCAST_GRP_ID));
                }
            }
        }
        return new Family(id, version, groups);
    }
}
