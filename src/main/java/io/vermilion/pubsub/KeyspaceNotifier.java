package io.vermilion.pubsub;

import io.vermilion.server.Server;
import java.nio.charset.StandardCharsets;

/**
 * Publishes keyspace notifications (Redis's notify.c): {@code __keyspace@<db>__:<key>} with the
 * event name as message, and {@code __keyevent@<db>__:<event>} with the key as message, each
 * when its letter (K, E) is configured. Local delivery only: notifications never cross the
 * cluster bus, as in Redis.
 */
final class KeyspaceNotifier implements Server.KeyspaceEvents {
    private static final byte[] KEYSPACE = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYEVENT = "__keyevent@".getBytes(StandardCharsets.US_ASCII);
    private final PubSub ps;
    int mask;

    KeyspaceNotifier(PubSub ps) {
        this.ps = ps;
    }

    @Override
    public void notify(int type, String event, byte[] key, int db) {
        if ((mask & type) == 0) return;
        if (ps.channelCount() == 0 && ps.patternCount() == 0) return; // nobody could hear it
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        byte[] dbPart = (db + "__:").getBytes(StandardCharsets.US_ASCII);
        if ((mask & Events.KEYSPACE) != 0) {
            ps.publishLocal(concat(KEYSPACE, dbPart, key), ev, false);
        }
        if ((mask & Events.KEYEVENT) != 0) {
            ps.publishLocal(concat(KEYEVENT, dbPart, ev), key, false);
        }
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
