package io.vermilion.cluster.bus;

/** Bus message types of Redis 7.0 with their wire numbers and the names Redis uses in logs/stats. */
public enum MessageType {
    PING(0, "ping"),
    PONG(1, "pong"),
    MEET(2, "meet"),
    FAIL(3, "fail"),
    PUBLISH(4, "publish"),
    FAILOVER_AUTH_REQUEST(5, "auth-req"),
    FAILOVER_AUTH_ACK(6, "auth-ack"),
    UPDATE(7, "update"),
    MFSTART(8, "mfstart"),
    MODULE(9, "module"),
    PUBLISHSHARD(10, "publishshard");

    /** CLUSTERMSG_TYPE_COUNT: types at or above this are unknown to 7.0. */
    public static final int COUNT = 11;

    private static final MessageType[] BY_CODE = values();

    private final int code;
    private final String text;

    MessageType(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    /** Name as in Redis's clusterGetMessageTypeString (CLUSTER INFO's cluster_stats_messages_*). */
    public String text() {
        return text;
    }

    /** @return the type, or {@code null} for a number Redis 7.0 does not know */
    public static MessageType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** "unknown" for numbers outside the known set, like Redis. */
    public static String textOf(int code) {
        MessageType t = of(code);
        return t == null ? "unknown" : t.text;
    }

    /** PING, PONG and MEET share one body layout (gossip + extensions). */
    public boolean isPingLike() {
        return this == PING || this == PONG || this == MEET;
    }
}
