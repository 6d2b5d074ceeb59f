package io.vermilion.cluster.bus;

import io.vermilion.cluster.SlotBitmap;

import java.util.Objects;

/**
 * The fixed 2256-byte header every bus message starts with, minus the parts derived from the body
 * when encoding ({@code totlen}, {@code count}, {@code extensions}) and the constants
 * ({@code sig}, {@code ver}). Strings are single-byte text (ISO-8859-1) so no byte is lost.
 *
 * @param type         wire type number (see {@link MessageType}); unknown numbers are allowed
 * @param port         sender's client port
 * @param currentEpoch sender's currentEpoch (unsigned 64-bit)
 * @param configEpoch  sender's configEpoch, or its master's for a replica (unsigned 64-bit)
 * @param offset       replication offset
 * @param sender       sender node name, 40 chars (not validated on decode: Redis looks it up)
 * @param myslots      slots the sender (or, for a replica, its master) claims
 * @param slaveof      master's name for a replica, {@code null} when all 40 bytes are zero
 * @param myip         announced ip, empty when not announced (receiver then uses the peer address)
 * @param pport        plaintext client port when the client port is TLS, else 0
 * @param cport        sender's cluster bus port
 * @param flags        sender's node flags ({@link io.vermilion.cluster.NodeFlags}), MYSELF included
 * @param state        cluster state as seen by the sender, {@link ClusterMsgLayout#CLUSTER_OK} or FAIL
 * @param mflags0      message flags byte 0 ({@code FLAG0_*}); EXT_DATA is set by the encoder
 * @param mflags1      message flags byte 1 (unused in 7.0)
 * @param mflags2      message flags byte 2 (unused in 7.0)
 */
public record ClusterMsgHeader(
        int type,
        int port,
        long currentEpoch,
        long configEpoch,
        long offset,
        String sender,
        SlotBitmap myslots,
        String slaveof,
        String myip,
        int pport,
        int cport,
        int flags,
        int state,
        int mflags0,
        int mflags1,
        int mflags2) {

    public ClusterMsgHeader {
        u16(type, "type");
        u16(port, "port");
        u16(pport, "pport");
        u16(cport, "cport");
        u16(flags, "flags");
        u8(state, "state");
        u8(mflags0, "mflags0");
        u8(mflags1, "mflags1");
        u8(mflags2, "mflags2");
        bytesText(sender, ClusterMsgLayout.NAMELEN, true, "sender");
        if (slaveof != null) bytesText(slaveof, ClusterMsgLayout.NAMELEN, true, "slaveof");
        Objects.requireNonNull(myip, "myip");
        bytesText(myip, ClusterMsgLayout.IP_LEN - 1, false, "myip");
        myslots = myslots == null ? new SlotBitmap() : myslots.copy();
    }

    /** A copy: the header stays immutable. */
    @Override
    public SlotBitmap myslots() {
        return myslots.copy();
    }

    /** Writes the bitmap's wire bytes without copying it first. */
    void writeSlots(byte[] dst, int off) {
        myslots.writeTo(dst, off);
    }

    /** @return the known type, or null */
    public MessageType messageType() {
        return MessageType.of(type);
    }

    public boolean hasMflag0(int bit) {
        return (mflags0 & bit) != 0;
    }

    public Builder toBuilder() {
        return new Builder().type(type).port(port).currentEpoch(currentEpoch).configEpoch(configEpoch)
                .offset(offset).sender(sender).myslots(myslots).slaveof(slaveof).myip(myip).pport(pport)
                .cport(cport).flags(flags).state(state).mflags(mflags0, mflags1, mflags2);
    }

    public static Builder builder() {
        return new Builder();
    }

    static void u16(int v, String what) {
        if (v < 0 || v > 0xffff) throw new IllegalArgumentException(what + " is not a u16: " + v);
    }

    static void u8(int v, String what) {
        if (v < 0 || v > 0xff) throw new IllegalArgumentException(what + " is not a u8: " + v);
    }

    /** Single-byte text of an exact ({@code exact}) or maximum length. */
    static void bytesText(String s, int len, boolean exact, String what) {
        Objects.requireNonNull(s, what);
        if (exact ? s.length() != len : s.length() > len) {
            throw new IllegalArgumentException(what + " must be " + (exact ? "" : "at most ") + len
                    + " bytes: '" + s + "'");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) throw new IllegalArgumentException(what + " is not single-byte text");
        }
    }

    /** Builder with zero/empty defaults, type PING, state OK. */
    public static final class Builder {
        private int type;
        private int port;
        private long currentEpoch;
        private long configEpoch;
        private long offset;
        private String sender;
        private SlotBitmap myslots = new SlotBitmap();
        private String slaveof;
        private String myip = "";
        private int pport;
        private int cport;
        private int flags;
        private int state = ClusterMsgLayout.CLUSTER_OK;
        private int mflags0;
        private int mflags1;
        private int mflags2;

        public Builder type(int v) { type = v; return this; }
        public Builder type(MessageType v) { type = v.code(); return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder currentEpoch(long v) { currentEpoch = v; return this; }
        public Builder configEpoch(long v) { configEpoch = v; return this; }
        public Builder offset(long v) { offset = v; return this; }
        public Builder sender(String v) { sender = v; return this; }
        public Builder myslots(SlotBitmap v) { myslots = v; return this; }
        public Builder slaveof(String v) { slaveof = v; return this; }
        public Builder myip(String v) { myip = v; return this; }
        public Builder pport(int v) { pport = v; return this; }
        public Builder cport(int v) { cport = v; return this; }
        public Builder flags(int v) { flags = v; return this; }
        public Builder state(int v) { state = v; return this; }
        public Builder mflags0(int v) { mflags0 = v; return this; }
        public Builder mflags(int m0, int m1, int m2) { mflags0 = m0; mflags1 = m1; mflags2 = m2; return this; }

        public ClusterMsgHeader build() {
            return new ClusterMsgHeader(type, port, currentEpoch, configEpoch, offset, sender, myslots, slaveof,
                    myip, pport, cport, flags, state, mflags0, mflags1, mflags2);
        }
    }
}
