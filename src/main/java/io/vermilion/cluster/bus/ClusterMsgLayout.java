package io.vermilion.cluster.bus;

/**
 * Sizes, offsets and flag bits of the Redis 7.0 cluster bus message ({@code clusterMsg}). These
 * are wire facts: every number is pinned by a test and must never change.
 *
 * <p>Integers are big-endian (network order) unless noted. Not converted, i.e. raw bytes: the
 * signature, node names, the ip strings, the slot bitmaps, {@code state}, {@code mflags} and the
 * MODULE message's {@code module_id} (copied from the sender's memory, so little-endian on every
 * mainstream host).
 */
public final class ClusterMsgLayout {
    private ClusterMsgLayout() {}

    /** "RCmb": Redis Cluster message bus. */
    public static final byte[] SIGNATURE = {'R', 'C', 'm', 'b'};
    public static final int PROTO_VER = 1;
    /** Node name length (hex chars, no terminator). */
    public static final int NAMELEN = 40;
    /** NET_IP_STR_LEN: room for the longest IPv6 text plus NUL. */
    public static final int IP_LEN = 46;
    /** Signature plus totlen: what a reader needs to know a frame's length. */
    public static final int PREFIX_LEN = 8;

    // ---- header (offsets from the start of the message) ----
    public static final int OFF_SIG = 0;
    public static final int OFF_TOTLEN = 4;          // u32
    public static final int OFF_VER = 8;             // u16
    public static final int OFF_PORT = 10;           // u16
    public static final int OFF_TYPE = 12;           // u16
    public static final int OFF_COUNT = 14;          // u16, gossip entries in PING/PONG/MEET
    public static final int OFF_CURRENT_EPOCH = 16;  // u64
    public static final int OFF_CONFIG_EPOCH = 24;   // u64
    public static final int OFF_OFFSET = 32;         // u64 replication offset
    public static final int OFF_SENDER = 40;         // char[40]
    public static final int OFF_MYSLOTS = 80;        // 2048 bytes bitmap
    public static final int OFF_SLAVEOF = 2128;      // char[40], all zero for a master
    public static final int OFF_MYIP = 2168;         // char[46], NUL-terminated, all zero = not announced
    public static final int OFF_EXTENSIONS = 2214;   // u16, added in 7.0
    public static final int OFF_NOTUSED = 2216;      // 30 reserved bytes
    public static final int NOTUSED_LEN = 30;
    public static final int OFF_PPORT = 2246;        // u16
    public static final int OFF_CPORT = 2248;        // u16
    public static final int OFF_FLAGS = 2250;        // u16 node flags
    public static final int OFF_STATE = 2252;        // u8 cluster state 0=ok 1=fail
    public static final int OFF_MFLAGS = 2253;       // u8[3]
    public static final int OFF_DATA = 2256;

    /** CLUSTERMSG_MIN_LEN: header without the data union. Shorter frames close the link. */
    public static final int HEADER_LEN = 2256;
    /** sizeof(union clusterMsgData): its largest member, the UPDATE body. */
    public static final int DATA_UNION_LEN = 2096;
    /** sizeof(clusterMsg). */
    public static final int SIZEOF_CLUSTER_MSG = HEADER_LEN + DATA_UNION_LEN; // 4352

    // ---- gossip entry (clusterMsgDataGossip), offsets inside one entry ----
    public static final int GOSSIP_LEN = 104;
    public static final int G_NODENAME = 0;          // char[40]
    public static final int G_PING_SENT = 40;        // u32, seconds
    public static final int G_PONG_RECEIVED = 44;    // u32, seconds
    public static final int G_IP = 48;               // char[46]
    public static final int G_PORT = 94;             // u16
    public static final int G_CPORT = 96;            // u16
    public static final int G_FLAGS = 98;            // u16
    public static final int G_PPORT = 100;           // u16
    public static final int G_NOTUSED = 102;         // u16

    // ---- other bodies ----
    /** FAIL: the failing node's name. */
    public static final int FAIL_LEN = NAMELEN;
    /** PUBLISH/PUBLISHSHARD fixed part: channel_len u32, message_len u32; then the bytes. */
    public static final int PUBLISH_FIXED_LEN = 8;
    /** UPDATE: configEpoch u64, nodename[40], slots[2048]. */
    public static final int UPDATE_LEN = 8 + NAMELEN + 2048;
    /** MODULE fixed part: module_id u64 (raw), len u32, type u8; then len payload bytes. */
    public static final int MODULE_FIXED_LEN = 13;

    // ---- ping extensions (clusterMsgPingExt), after the gossip entries ----
    /** length u32 (whole extension, header included, multiple of 8), type u16, unused u16. */
    public static final int PING_EXT_HEADER_LEN = 8;
    /** The only extension type Redis 7.0 has: the announced hostname, NUL-terminated, padded. */
    public static final int EXT_TYPE_HOSTNAME = 0;

    // ---- mflags[0] bits ----
    /** Master paused for manual failover. */
    public static final int FLAG0_PAUSED = 1;
    /** Give ACK to AUTH_REQUEST even if the master is up (manual failover). */
    public static final int FLAG0_FORCEACK = 1 << 1;
    /** The message carries ping extensions. */
    public static final int FLAG0_EXT_DATA = 1 << 2;

    // ---- header state byte ----
    public static final int CLUSTER_OK = 0;
    public static final int CLUSTER_FAIL = 1;

    /** Rounds up to a multiple of 8, as extension payloads are padded. */
    public static int align8(int n) {
        return (n + 7) & ~7;
    }
}
