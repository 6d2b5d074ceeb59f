package io.vermilion.pubsub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import io.vermilion.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The Pub/Sub state of one node: who listens to which channel, pattern and shard channel, and
 * the delivery of messages to them. Owned by the node's command thread, like everything else.
 *
 * <p>Three tables map a channel (or pattern) to its subscribers in subscription order, as
 * Redis's {@code server.pubsub_channels}, {@code pubsub_patterns} and
 * {@code pubsubshard_channels}; each client's own subscriptions are kept in insertion order
 * (UNSUBSCRIBE without arguments walks them in that order). An entry disappears with its last
 * subscriber, so PUBSUB CHANNELS and INFO count only live channels.
 *
 * <p>Delivery to another connection appends a pre-encoded frame (one per message and protocol,
 * shared by all its receivers) to that connection's outbound buffer and flushes every touched
 * connection once, after the current batch of work of the event loop (so PUBLISH to 50
 * subscribers costs 50 buffer appends and at most one write per subscriber per loop
 * iteration). A message for the connection whose command is running goes into that command's
 * own reply buffer, so it comes before the command's reply, as in Redis.
 */
public final class PubSub {
    /** A byte[] usable as a map key. */
    public static final class Key {
        final byte[] b;
        private final int hash;

        public Key(byte[] b) {
            this.b = b;
            this.hash = java.util.Arrays.hashCode(b);
        }

        public byte[] bytes() { return b; }

        @Override public int hashCode() { return hash; }

        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && java.util.Arrays.equals(k.b, b);
        }
    }

    /** One client's subscriptions. */
    static final class Subs {
        final LinkedHashSet<Key> channels = new LinkedHashSet<>();
        final LinkedHashSet<Key> patterns = new LinkedHashSet<>();
        final LinkedHashSet<Key> shard = new LinkedHashSet<>();

        int total() { return channels.size() + patterns.size() + shard.size(); }
    }

    /** A pattern subscription: compiled once, matched against every published channel. */
    static final class Pattern {
        final Glob glob;
        final LinkedHashSet<Client> clients = new LinkedHashSet<>();

        Pattern(byte[] p) { glob = new Glob(p, false); }
    }

    /** Hands messages to the cluster bus (PUBLISH / PUBLISHSHARD); null outside cluster mode. */
    public interface ClusterPublisher {
        void publish(byte[] channel, byte[] message, boolean sharded);
    }

    /** Slot of a shard channel (the channel is hashed as a key, with hash tags). */
    public interface SlotOf {
        int slot(byte[] channel);
    }

    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SMESSAGE = "smessage".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SUNSUBSCRIBE = "sunsubscribe".getBytes(StandardCharsets.US_ASCII);

    private final Server server;
    final Map<Key, LinkedHashSet<Client>> channels = new LinkedHashMap<>();
    final Map<Key, Pattern> patterns = new LinkedHashMap<>();
    final Map<Key, LinkedHashSet<Client>> shardChannels = new LinkedHashMap<>();
    /** Shard channels by slot, so that losing a slot finds its channels without a scan. */
    private final Map<Integer, LinkedHashSet<Key>> shardBySlot = new java.util.HashMap<>();
    private final Map<Client, Subs> subs = new IdentityHashMap<>();
    private final LinkedHashSet<Client> toFlush = new LinkedHashSet<>();
    private final java.util.IdentityHashMap<Client, ByteBuf> pending = new java.util.IdentityHashMap<>();
    private boolean flushScheduled;
    private ClusterPublisher cluster;
    private SlotOf slotOf;

    public PubSub(Server server) {
        this.server = server;
    }

    /**
     * Creates the Pub/Sub state of a node and plugs it in: reachable as
     * {@code server.part(PubSub.class)}, subscriptions dropped on RESET and disconnection, INFO
     * stats counts, keyspace notifications per notify-keyspace-events (including "expired" for
     * keys deleted by expiry).
     */
    public static PubSub install(Server server) {
        PubSub ps = new PubSub(server);
        server.part(PubSub.class, ps);
        server.addResetListener(ps::forget);
        server.addCloseListener(ps::forget);
        server.beforeCall(ps::writePending);
        server.addInfoContributor("stats", f -> {
            f.put("pubsub_channels", Integer.toString(ps.channelCount()));
            f.put("pubsub_patterns", Integer.toString(ps.patternCount()));
            f.put("pubsubshard_channels", Integer.toString(ps.shardChannelCount()));
        });
        KeyspaceNotifier n = new KeyspaceNotifier(ps);
        java.util.function.Consumer<String> apply = v -> {
            // The flags themselves: the rendered value ("AKE") hides 'n' next to 'A', as Redis's.
            int mask = server.config().getInt("notify-keyspace-events");
            // Without K or E nothing is published, whatever the classes: keep the fast path.
            if ((mask & (Events.KEYSPACE | Events.KEYEVENT)) == 0) mask = 0;
            server.keyspaceEvents(n, mask);
            n.mask = mask;
            // "new" (class n) is fired where a key is added (Redis's dbAdd), not while loading.
            server.keyspace().newKeyListener((mask & Events.NEW) == 0 ? null
                    : (db, key) -> { if (!server.loading()) server.notify(Events.NEW, "new", key, db.id()); });
        };
        apply.accept(server.config().get("notify-keyspace-events"));
        server.config().addListener("notify-keyspace-events", apply);
        server.keyspace().addListener((db, key) -> server.notify(Events.EXPIRED, "expired", key, db.id()));
        server.addEvictionListener((db, key) -> server.notify(Events.EVICTED, "evicted", key, db.id()));
        return ps;
    }

    public void cluster(ClusterPublisher p, SlotOf s) {
        cluster = p;
        slotOf = s;
    }

    public boolean clusterMode() { return cluster != null; }

    // ------------------------------------------------------------------ introspection

    public int channelCount() { return channels.size(); }
    public int patternCount() { return patterns.size(); }
    public int shardChannelCount() { return shardChannels.size(); }

    public int subscribers(byte[] channel) {
        LinkedHashSet<Client> l = channels.get(new Key(channel));
        return l == null ? 0 : l.size();
    }

    public int shardSubscribers(byte[] channel) {
        LinkedHashSet<Client> l = shardChannels.get(new Key(channel));
        return l == null ? 0 : l.size();
    }

    /** Channel names (or shard channel names) matching {@code pattern} (null: all), in table order. */
    public List<byte[]> channelNames(byte[] pattern, boolean shard) {
        Glob g = pattern == null ? null : new Glob(pattern, false);
        List<byte[]> out = new ArrayList<>();
        for (Key k : (shard ? shardChannels : channels).keySet()) {
            if (g == null || g.matches(k.b)) out.add(k.b);
        }
        return out;
    }

    /** Channels + patterns of a client (Redis's clientSubscriptionsCount), the number its (P)SUBSCRIBE replies show. */
    public int clientCount(Client c) {
        Subs s = subs.get(c);
        return s == null ? 0 : s.channels.size() + s.patterns.size();
    }

    public int clientShardCount(Client c) {
        Subs s = subs.get(c);
        return s == null ? 0 : s.shard.size();
    }

    /** The client's channels (shard: its shard channels), in subscription order (a copy). */
    public List<byte[]> clientChannels(Client c, int kind) {
        Subs s = subs.get(c);
        List<byte[]> out = new ArrayList<>();
        if (s == null) return out;
        for (Key k : kind == 0 ? s.channels : kind == 1 ? s.patterns : s.shard) out.add(k.b);
        return out;
    }

    // ------------------------------------------------------------------ subscribe / unsubscribe

    private Subs subsOf(Client c) {
        return subs.computeIfAbsent(c, k -> new Subs());
    }

    /** Adds the subscription; returns false if the client already had it. */
    public boolean subscribe(Client c, byte[] channel, boolean shard) {
        Key k = new Key(channel);
        Subs s = subsOf(c);
        if (!(shard ? s.shard : s.channels).add(k)) return false;
        Map<Key, LinkedHashSet<Client>> table = shard ? shardChannels : channels;
        LinkedHashSet<Client> l = table.get(k);
        if (l == null) {
            l = new LinkedHashSet<>();
            table.put(k, l);
            if (shard && slotOf != null) shardBySlot.computeIfAbsent(slotOf.slot(channel), x -> new LinkedHashSet<>()).add(k);
        }
        l.add(c);
        update(c, s);
        return true;
    }

    public boolean unsubscribe(Client c, byte[] channel, boolean shard) {
        Key k = new Key(channel);
        Subs s = subs.get(c);
        if (s == null || !(shard ? s.shard : s.channels).remove(k)) return false;
        Map<Key, LinkedHashSet<Client>> table = shard ? shardChannels : channels;
        LinkedHashSet<Client> l = table.get(k);
        if (l != null) {
            l.remove(c);
            if (l.isEmpty()) {
                table.remove(k);
                if (shard && slotOf != null) dropFromSlot(k);
            }
        }
        update(c, s);
        return true;
    }

    private void dropFromSlot(Key k) {
        int slot = slotOf.slot(k.b);
        LinkedHashSet<Key> ks = shardBySlot.get(slot);
        if (ks != null) {
            ks.remove(k);
            if (ks.isEmpty()) shardBySlot.remove(slot);
        }
    }

    public boolean psubscribe(Client c, byte[] pattern) {
        Key k = new Key(pattern);
        Subs s = subsOf(c);
        if (!s.patterns.add(k)) return false;
        patterns.computeIfAbsent(k, x -> new Pattern(pattern)).clients.add(c);
        update(c, s);
        return true;
    }

    public boolean punsubscribe(Client c, byte[] pattern) {
        Key k = new Key(pattern);
        Subs s = subs.get(c);
        if (s == null || !s.patterns.remove(k)) return false;
        Pattern p = patterns.get(k);
        if (p != null) {
            p.clients.remove(c);
            if (p.clients.isEmpty()) patterns.remove(k);
        }
        update(c, s);
        return true;
    }

    /** Keeps the client's CLIENT LIST fields and pub/sub mode flag in step. */
    private void update(Client c, Subs s) {
        c.subscriptionCounts(s.channels.size(), s.patterns.size(), s.shard.size());
        if (s.total() == 0) {
            subs.remove(c);
            c.pubsub(false);
        } else {
            c.pubsub(true);
        }
    }

    /** Drops every subscription of a client without telling it (RESET, disconnection). */
    public void forget(Client c) {
        ByteBuf buf = pending.isEmpty() ? null : pending.remove(c);
        if (buf != null) buf.release();
        Subs s = subs.get(c);
        if (s == null) {
            c.pubsub(false);
            return;
        }
        for (Key k : new ArrayList<>(s.channels)) unsubscribe(c, k.b, false);
        for (Key k : new ArrayList<>(s.shard)) unsubscribe(c, k.b, true);
        for (Key k : new ArrayList<>(s.patterns)) punsubscribe(c, k.b);
        subs.remove(c);
        c.subscriptionCounts(0, 0, 0);
        c.pubsub(false);
    }

    /**
     * A slot stopped being served by this node's shard: every subscriber of its shard channels
     * gets an sunsubscribe message and loses the subscription (Redis's removeChannelsInSlot).
     */
    public void slotRemoved(int slot) {
        LinkedHashSet<Key> ks = shardBySlot.remove(slot);
        if (ks == null) return;
        for (Key k : ks) {
            LinkedHashSet<Client> l = shardChannels.remove(k);
            if (l == null) continue;
            for (Client c : l) {
                Subs s = subs.get(c);
                if (s == null) continue;
                s.shard.remove(k);
                c.subscriptionCounts(s.channels.size(), s.patterns.size(), s.shard.size());
                boolean v3 = c.proto() >= 3;
                ByteBuf f = Unpooled.buffer(32 + k.b.length);
                f.writeByte(v3 ? '>' : '*').writeBytes("3\r\n".getBytes(StandardCharsets.US_ASCII));
                bulk(f, SUNSUBSCRIBE);
                bulk(f, k.b);
                f.writeByte(':').writeBytes(Long.toString(s.shard.size()).getBytes(StandardCharsets.US_ASCII))
                        .writeByte('\r').writeByte('\n');
                byte[] frame = new byte[f.readableBytes()];
                f.readBytes(frame);
                if (s.total() == 0) {
                    subs.remove(c);
                    c.pubsub(false);
                }
                deliver(c, frame);
            }
        }
    }

    // ------------------------------------------------------------------ publishing

    /**
     * PUBLISH / SPUBLISH from a client: delivers here and, in cluster mode, hands the message to
     * the bus. Returns the number of local receivers (PUBLISH's reply).
     */
    public int publish(byte[] channel, byte[] message, boolean shard) {
        int n = publishLocal(channel, message, shard);
        if (cluster != null) cluster.publish(channel, message, shard);
        return n;
    }

    /** Delivers to this node's subscribers only (bus messages, keyspace notifications). */
    public int publishLocal(byte[] channel, byte[] message, boolean shard) {
        int receivers = 0;
        LinkedHashSet<Client> l = (shard ? shardChannels : channels).get(new Key(channel));
        if (l != null && !l.isEmpty()) {
            Frames f = new Frames(shard ? SMESSAGE : MESSAGE, null, channel, message);
            for (Client c : l) {
                deliver(c, f.of(c));
                receivers++;
            }
        }
        if (shard || patterns.isEmpty()) return receivers;
        for (Map.Entry<Key, Pattern> e : patterns.entrySet()) {
            Pattern p = e.getValue();
            if (!p.glob.matches(channel)) continue;
            Frames f = new Frames(PMESSAGE, e.getKey().b, channel, message);
            for (Client c : p.clients) {
                deliver(c, f.of(c));
                receivers++;
            }
        }
        return receivers;
    }

    /** One message's encoding in RESP2 (array) and RESP3 (push), made on first need. */
    private static final class Frames {
        final byte[] kind, pattern, channel, message;
        byte[] v2, v3;

        Frames(byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
            this.kind = kind;
            this.pattern = pattern;
            this.channel = channel;
            this.message = message;
        }

        byte[] of(Client c) {
            if (c.proto() >= 3) {
                if (v3 == null) v3 = encode('>');
                return v3;
            }
            if (v2 == null) v2 = encode('*');
            return v2;
        }

        private byte[] encode(char type) {
            int n = pattern == null ? 3 : 4;
            ByteBuf b = Unpooled.buffer(40 + kind.length + channel.length + message.length
                    + (pattern == null ? 0 : pattern.length));
            b.writeByte(type).writeByte('0' + n).writeByte('\r').writeByte('\n');
            bulk(b, kind);
            if (pattern != null) bulk(b, pattern);
            bulk(b, channel);
            bulk(b, message);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        }
    }

    static void bulk(ByteBuf b, byte[] s) {
        b.writeByte('$').writeBytes(Long.toString(s.length).getBytes(StandardCharsets.US_ASCII));
        b.writeByte('\r').writeByte('\n').writeBytes(s).writeByte('\r').writeByte('\n');
    }

    /**
     * Sends a pushed frame to a client: into the running command's reply buffer if it is that
     * client's command, else onto its connection, flushed after the current loop batch.
     */
    public void deliver(Client c, byte[] frame) {
        ByteBuf own = c.pushBuffer();
        if (own != null) {
            own.writeBytes(frame);
            return;
        }
        Channel ch = c.channel();
        if (ch == null || !ch.isActive()) return;
        server.stats().netOutputBytes += frame.length;
        // Coalesced: one direct buffer per receiver and loop batch (a write per message cost a
        // heap-to-direct copy and an outbound entry each; see bench/RESULTS.md).
        ByteBuf buf = pending.get(c);
        if (buf == null) {
            buf = ch.alloc().ioBuffer(Math.max(512, frame.length));
            pending.put(c, buf);
            if (!flushScheduled) {
                flushScheduled = true;
                server.loop().execute(this::flush);
            }
        }
        buf.writeBytes(frame);
    }

    /**
     * Hands a receiver's coalesced pushes to its channel. Runs before each command of that
     * client ({@code Server.beforeCall}), so its replies never overtake messages published
     * before them, and at the end of the loop batch for everyone.
     */
    public void writePending(Client c) {
        if (pending.isEmpty()) return;
        ByteBuf buf = pending.remove(c);
        if (buf == null) return;
        Channel ch = c.channel();
        if (ch == null || !ch.isActive()) {
            buf.release();
            return;
        }
        ch.write(buf, ch.voidPromise());
        toFlush.add(c);
    }

    private void flush() {
        flushScheduled = false;
        if (!pending.isEmpty()) {
            for (Client c : new ArrayList<>(pending.keySet())) writePending(c);
        }
        List<Client> l = new ArrayList<>(toFlush);
        toFlush.clear();
        for (Client c : l) {
            Channel ch = c.channel();
            if (ch == null || !ch.isActive()) continue;
            ChannelHandlerContext ctx = ch.pipeline().lastContext();
            if (ctx != null) server.flushReplies(ctx);
            else ch.flush();
            // client-output-buffer-limit pubsub: what the socket did not take (docs/limits.md).
            server.clientLimits().enforce(c, 0);
        }
    }
}
