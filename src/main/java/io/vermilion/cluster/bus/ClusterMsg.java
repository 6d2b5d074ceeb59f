package io.vermilion.cluster.bus;

import io.vermilion.cluster.SlotBitmap;

import java.util.List;
import java.util.Objects;

/**
 * One cluster bus message: header plus the body its type calls for. The pairing is checked here so
 * an encoder never produces a packet Redis would reject for its length.
 *
 * <p>For PING/PONG/MEET the header's {@link ClusterMsgLayout#FLAG0_EXT_DATA} bit is normalised to
 * say whether the body has extensions, as Redis sets it; so decoding what we encoded gives back an
 * equal message.
 */
public record ClusterMsg(ClusterMsgHeader header, MsgBody body) {
    public ClusterMsg {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
        MessageType t = header.messageType();
        boolean ok;
        if (t == null) {
            ok = body instanceof MsgBody.Unknown;
        } else {
            ok = switch (t) {
                case PING, PONG, MEET -> body instanceof MsgBody.Ping;
                case FAIL -> body instanceof MsgBody.Fail;
                case PUBLISH, PUBLISHSHARD -> body instanceof MsgBody.Publish;
                case FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART -> body instanceof MsgBody.Empty;
                case UPDATE -> body instanceof MsgBody.Update;
                case MODULE -> body instanceof MsgBody.Module;
            };
        }
        if (!ok) {
            throw new IllegalArgumentException("type " + MessageType.textOf(header.type()) + " ("
                    + header.type() + ") cannot carry " + body.getClass().getSimpleName());
        }
        if (body instanceof MsgBody.Ping p) {
            int want = p.extensions().isEmpty()
                    ? header.mflags0() & ~ClusterMsgLayout.FLAG0_EXT_DATA
                    : header.mflags0() | ClusterMsgLayout.FLAG0_EXT_DATA;
            if (want != header.mflags0()) header = header.toBuilder().mflags0(want).build();
        }
    }

    public int type() {
        return header.type();
    }

    public MessageType messageType() {
        return header.messageType();
    }

    /** Header with the type replaced, for building a message from a template header. */
    private static ClusterMsgHeader typed(ClusterMsgHeader h, MessageType t) {
        return h.type() == t.code() ? h : h.toBuilder().type(t).build();
    }

    public static ClusterMsg ping(MessageType type, ClusterMsgHeader h, List<GossipEntry> gossip, List<PingExt> exts) {
        if (!type.isPingLike()) throw new IllegalArgumentException(type + " is not PING, PONG or MEET");
        return new ClusterMsg(typed(h, type), new MsgBody.Ping(gossip, exts));
    }

    public static ClusterMsg fail(ClusterMsgHeader h, String failingNode) {
        return new ClusterMsg(typed(h, MessageType.FAIL), new MsgBody.Fail(failingNode));
    }

    public static ClusterMsg publish(boolean sharded, ClusterMsgHeader h, byte[] channel, byte[] message) {
        return new ClusterMsg(typed(h, sharded ? MessageType.PUBLISHSHARD : MessageType.PUBLISH),
                new MsgBody.Publish(channel, message));
    }

    public static ClusterMsg update(ClusterMsgHeader h, long configEpoch, String node, SlotBitmap slots) {
        return new ClusterMsg(typed(h, MessageType.UPDATE), new MsgBody.Update(configEpoch, node, slots));
    }

    public static ClusterMsg module(ClusterMsgHeader h, long moduleId, int moduleType, byte[] payload) {
        return new ClusterMsg(typed(h, MessageType.MODULE), new MsgBody.Module(moduleId, moduleType, payload));
    }

    /** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK or MFSTART. */
    public static ClusterMsg headerOnly(MessageType type, ClusterMsgHeader h) {
        if (type != MessageType.FAILOVER_AUTH_REQUEST && type != MessageType.FAILOVER_AUTH_ACK
                && type != MessageType.MFSTART) {
            throw new IllegalArgumentException(type + " has a body");
        }
        return new ClusterMsg(typed(h, type), MsgBody.Empty.INSTANCE);
    }
}
