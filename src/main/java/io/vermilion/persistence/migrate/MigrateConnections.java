package io.vermilion.persistence.migrate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node's cache of MIGRATE connections, keyed by the {@code host:port} text the command was given
 * (Redis's migrate_cached_sockets): at most 64 entries (a random one is dropped to make room), an
 * entry unused for more than 10 seconds is closed by {@link #closeIdle}. Command thread only.
 */
public final class MigrateConnections {
    /** Redis's MIGRATE_SOCKET_CACHE_ITEMS. */
    static final int MAX_ITEMS = 64;
    /** Redis's MIGRATE_SOCKET_CACHE_TTL, in seconds. */
    static final long TTL_SECONDS = 10;

    private final Map<String, MigrateConnection> cached = new LinkedHashMap<>();

    /** The cached connection for name, else a new one (connected within timeoutMs) added to the cache. */
    public MigrateConnection get(String name, String host, int port, long timeoutMs) throws IOException {
        MigrateConnection c = cached.get(name);
        if (c != null) {
            c.lastUseMs = System.currentTimeMillis();
            return c;
        }
        if (cached.size() >= MAX_ITEMS) {
            List<String> names = new ArrayList<>(cached.keySet());
            close(names.get(ThreadLocalRandom.current().nextInt(names.size())));
        }
        c = MigrateConnection.open(host, port, timeoutMs);
        cached.put(name, c);
        return c;
    }

    /** Closes and forgets the connection for name, if any. */
    public void close(String name) {
        MigrateConnection c = cached.remove(name);
        if (c != null) c.close();
    }

    /** Closes connections unused for more than 10 seconds (from the server cron). */
    public void closeIdle(long nowMs) {
        for (Iterator<MigrateConnection> it = cached.values().iterator(); it.hasNext(); ) {
            MigrateConnection c = it.next();
            if (nowMs - c.lastUseMs > TTL_SECONDS * 1000) {
                c.close();
                it.remove();
            }
        }
    }

    public int size() { return cached.size(); }

    public void closeAll() {
        for (MigrateConnection c : cached.values()) c.close();
        cached.clear();
    }
}
