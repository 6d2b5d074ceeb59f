package io.vermilion.cluster.bus;

import java.util.Arrays;

/**
 * A ping extension (7.0: appended after the gossip entries of PING/PONG/MEET when mflags0 has
 * {@link ClusterMsgLayout#FLAG0_EXT_DATA}). Redis 7.0 defines only the hostname; other types (such
 * as those later versions send) are kept as {@link Unknown} and, like Redis 7.0, not acted on.
 */
public sealed interface PingExt {
    int type();

    /** The sender's announced hostname (cluster-announce-hostname); empty means none. */
    record Hostname(String hostname) implements PingExt {
        public Hostname {
            for (int i = 0; i < hostname.length(); i++) {
                char c = hostname.charAt(i);
                if (c == 0 || c > 0xff) throw new IllegalArgumentException("hostname must be single-byte text without NUL");
            }
        }

        @Override
        public int type() {
            return ClusterMsgLayout.EXT_TYPE_HOSTNAME;
        }
    }

    /**
     * An extension type 7.0 does not know.
     *
     * @param payload the bytes after the 8-byte extension header (padding included), length a
     *                multiple of 8
     */
    record Unknown(int type, byte[] payload) implements PingExt {
        public Unknown {
            ClusterMsgHeader.u16(type, "extension type");
            if (type == ClusterMsgLayout.EXT_TYPE_HOSTNAME) throw new IllegalArgumentException("type 0 is Hostname");
            if (payload.length % 8 != 0) throw new IllegalArgumentException("extension payload must be padded to 8");
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.type == type && Arrays.equals(u.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Unknown[type=" + type + ", " + payload.length + " bytes]";
        }
    }
}
