package io.vermilion.cluster.bus;

import io.vermilion.cluster.SlotBitmap;

import java.util.Arrays;
import java.util.List;

/** The part of a bus message after the 2256-byte header; its shape depends on the type. */
public sealed interface MsgBody {

    /** PING, PONG, MEET: gossip about other nodes, then optional extensions. */
    record Ping(List<GossipEntry> gossip, List<PingExt> extensions) implements MsgBody {
        public Ping {
            gossip = List.copyOf(gossip);
            extensions = List.copyOf(extensions);
            if (gossip.size() > 0xffff) throw new IllegalArgumentException("too many gossip entries");
            if (extensions.size() > 0xffff) throw new IllegalArgumentException("too many extensions");
        }

        public static Ping empty() {
            return new Ping(List.of(), List.of());
        }

        /** The hostname extension's value if present. */
        public java.util.Optional<String> hostname() {
            for (PingExt e : extensions) {
                if (e instanceof PingExt.Hostname h) return java.util.Optional.of(h.hostname());
            }
            return java.util.Optional.empty();
        }
    }

    /** FAIL: the sender declares this node failed. */
    record Fail(String nodeName) implements MsgBody {
        public Fail {
            ClusterMsgHeader.bytesText(nodeName, ClusterMsgLayout.NAMELEN, true, "nodeName");
        }
    }

    /** PUBLISH / PUBLISHSHARD: a Pub/Sub message to deliver locally. Binary-safe. */
    record Publish(byte[] channel, byte[] message) implements MsgBody {
        public Publish {
            channel = channel.clone();
            message = message.clone();
        }

        @Override public byte[] channel() { return channel.clone(); }
        @Override public byte[] message() { return message.clone(); }

        @Override
        public boolean equals(Object o) {
            return o instanceof Publish p && Arrays.equals(p.channel, channel) && Arrays.equals(p.message, message);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(channel) + Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "Publish[channel " + channel.length + " bytes, message " + message.length + " bytes]";
        }
    }

    /** UPDATE: the authoritative slots of {@code nodeName} at {@code configEpoch}. */
    record Update(long configEpoch, String nodeName, SlotBitmap slots) implements MsgBody {
        public Update {
            ClusterMsgHeader.bytesText(nodeName, ClusterMsgLayout.NAMELEN, true, "nodeName");
            slots = slots.copy();
        }

        @Override
        public SlotBitmap slots() {
            return slots.copy();
        }
    }

    /**
     * MODULE: a module-to-module message.
     *
     * @param moduleId   the 8 raw bytes Redis copies from the sender's memory, read little-endian
     *                   (the byte order of every host Redis runs on in practice)
     * @param moduleType module-defined type 0..255
     */
    record Module(long moduleId, int moduleType, byte[] payload) implements MsgBody {
        public Module {
            ClusterMsgHeader.u8(moduleType, "moduleType");
            payload = payload.clone();
        }

        @Override public byte[] payload() { return payload.clone(); }

        @Override
        public boolean equals(Object o) {
            return o instanceof Module m && m.moduleId == moduleId && m.moduleType == moduleType
                    && Arrays.equals(m.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(moduleId) * 31 + moduleType * 17 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Module[id=" + Long.toHexString(moduleId) + ", type=" + moduleType + ", " + payload.length + " bytes]";
        }
    }

    /** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: the header says it all. */
    record Empty() implements MsgBody {
        public static final Empty INSTANCE = new Empty();
    }

    /**
     * A type number 7.0 does not know. Redis accepts such a packet as well-formed whatever its
     * length and ignores it; we keep the raw bytes after the header and the count fields.
     */
    record Unknown(int count, int extensions, byte[] data) implements MsgBody {
        public Unknown {
            ClusterMsgHeader.u16(count, "count");
            ClusterMsgHeader.u16(extensions, "extensions");
            data = data.clone();
        }

        @Override public byte[] data() { return data.clone(); }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.count == count && u.extensions == extensions && Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return (count * 31 + extensions) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Unknown[count=" + count + ", extensions=" + extensions + ", " + data.length + " bytes]";
        }
    }
}
