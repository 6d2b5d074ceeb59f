package io.vermilion.persistence.rdb;

import io.vermilion.types.Listpack;
import io.vermilion.types.Stream;
import io.vermilion.types.StreamId;
import java.io.IOException;
import java.util.Map;

/**
 * Streams in RDB form. Writes RDB_TYPE_STREAM_LISTPACKS_2 (19) exactly as Redis 7.0's
 * rdbSaveObject: the node count; per node its master ID as a 16-byte big-endian string and its
 * listpack as a string; length, last ID, first ID, max deleted ID and entries added as lengths;
 * then the groups (name, last ID, entries read, the global PEL as raw IDs with delivery time and
 * count, the consumers with seen time and the raw IDs of their PEL).
 *
 * <p>Reads 19 and the 6.x form 15 (STREAM_LISTPACKS: no first ID, max deleted ID, entries added
 * or entries read, which are derived as Redis derives them), with Redis's checks: node keys of
 * 16 bytes, listpacks valid as stream nodes (always deeply checked here), not empty, no
 * duplicate node; a non-empty stream has nodes; no duplicate group, PEL entry or consumer; every
 * consumer PEL entry in the group PEL and every group PEL entry owned by a consumer.
 */
public final class StreamCodec implements ValueCodec {
    public static final StreamCodec INSTANCE = new StreamCodec();

    private StreamCodec() {}

    @Override public int typeOf(Object value) {
        return value instanceof Stream ? Rdb.TYPE_STREAM_LISTPACKS_2 : -1;
    }

    @Override public boolean reads(int type) {
        return type == Rdb.TYPE_STREAM_LISTPACKS || type == Rdb.TYPE_STREAM_LISTPACKS_2;
    }

    @Override public Object freeze(Object value) {
        return ((Stream) value).copy();
    }

    @Override public void write(RdbWriter w, Object value) throws IOException {
        Stream s = (Stream) value;
        w.writeLen(s.nodeCount());
        byte[] key = new byte[16];
        for (Map.Entry<StreamId, Listpack> e : s.nodes().entrySet()) {
            e.getKey().encode(key, 0);
            w.writeString(key, 0, 16);
            Listpack lp = e.getValue();
            w.writeString(lp.array(), 0, lp.bytes());
        }
        w.writeLen(s.length);
        writeId(w, s.lastId);
        writeId(w, s.firstId);
        writeId(w, s.maxDeletedId);
        w.writeLen(s.entriesAdded);
        w.writeLen(s.groupCount());
        byte[] raw = new byte[16];
        for (Stream.Group g : s.groups()) {
            w.writeString(g.name, 0, g.name.length);
            writeId(w, g.lastId);
            w.writeLen(g.entriesRead);
            w.writeLen(g.pel.size());
            for (Map.Entry<StreamId, Stream.Nack> e : g.pel.entrySet()) {
                e.getKey().encode(raw, 0);
                w.writeRaw(raw);
                w.writeLongLE(e.getValue().deliveryTime);
                w.writeLen(e.getValue().deliveryCount);
            }
            w.writeLen(g.consumers.size());
            for (Stream.Consumer c : g.consumers.values()) {
                w.writeString(c.name, 0, c.name.length);
                w.writeLongLE(c.seenTime);
                w.writeLen(c.pel.size());
                for (StreamId id : c.pel.keySet()) {
                    id.encode(raw, 0);
                    w.writeRaw(raw);
                }
            }
        }
    }

    private static void writeId(RdbWriter w, StreamId id) throws IOException {
        w.writeLen(id.ms);
        w.writeLen(id.seq);
    }

    private static RdbException corrupt(RdbReader r, String what) {
        return new RdbException(what, r.position());
    }

    @Override public Object read(RdbReader r, int type) throws IOException {
        Stream s = new Stream();
        long nodes = r.readLen();
        while (nodes-- != 0) {
            byte[] nodeKey = r.readString();
            if (nodeKey.length != 16) throw corrupt(r, "Stream node key entry is not the size of a stream ID");
            byte[] lp = r.readString();
            if (!Encodings.streamListpack(lp)) throw corrupt(r, "Stream listpack integrity check failed.");
            Listpack l = Listpack.wrap(lp);
            if (l.size() == 0) throw corrupt(r, "Empty listpack inside stream");
            if (!s.addLoadedNode(StreamId.decode(nodeKey, 0), l)) {
                throw corrupt(r, "Listpack re-added with existing key");
            }
        }
        s.length = r.readLen();
        s.lastId = readId(r);
        if (type == Rdb.TYPE_STREAM_LISTPACKS_2) {
            s.firstId = readId(r);
            s.maxDeletedId = readId(r);
            s.entriesAdded = r.readLen();
        } else {
            s.maxDeletedId = StreamId.ZERO;
            s.entriesAdded = s.length;
            StreamId first = s.edgeId(true, true);
            s.firstId = first == null ? StreamId.MAX : first;
        }
        if (s.length != 0 && s.nodeCount() == 0) throw corrupt(r, "Stream length inconsistent with rax entries");
        try {
            checkEntries(r, s);
        } catch (RuntimeException e) {
            throw corrupt(r, "Stream entries unreadable: " + e);
        }
        long groups = r.readLen();
        while (groups-- != 0) {
            byte[] name = r.readString();
            StreamId lastId = readId(r);
            long entriesRead = type == Rdb.TYPE_STREAM_LISTPACKS_2 ? r.readLen() : s.estimateDistance(lastId);
            Stream.Group g = s.createGroup(name, lastId, entriesRead);
            if (g == null) throw corrupt(r, "Duplicated consumer group name");
            long pel = r.readLen();
            byte[] raw = new byte[16];
            while (pel-- != 0) {
                r.readFully(raw, 0, 16);
                long time = r.readLongLE();
                long count = r.readLen();
                if (g.pel.putIfAbsent(StreamId.decode(raw, 0), new Stream.Nack(null, time, count)) != null) {
                    throw corrupt(r, "Duplicated global PEL entry loading stream consumer group");
                }
            }
            long consumers = r.readLen();
            while (consumers-- != 0) {
                byte[] cname = r.readString();
                Stream.Consumer c = g.createConsumer(cname, 0);
                if (c == null) throw corrupt(r, "Duplicate stream consumer detected.");
                c.seenTime = r.readLongLE();
                long own = r.readLen();
                while (own-- != 0) {
                    r.readFully(raw, 0, 16);
                    StreamId id = StreamId.decode(raw, 0);
                    Stream.Nack n = g.pel.get(id);
                    if (n == null) throw corrupt(r, "Consumer entry not found in group global PEL");
                    if (c.pel.putIfAbsent(id, n) != null) {
                        throw corrupt(r, "Duplicated consumer PEL entry  loading a stream consumer group");
                    }
                    n.consumer = c;
                }
            }
            for (Stream.Nack n : g.pel.values()) {
                if (n.consumer == null) throw corrupt(r, "Stream CG PEL entry without consumer");
            }
        }
        return s;
    }

    /**
     * Checks that the nodes are consistent with each other and with the stream's header, so
     * that later commands never walk off a node: every node's entries are at or above its master
     * ID, ordered, below the next node's, and the live entries add up to the length.
     */
    private static void checkEntries(RdbReader r, Stream s) throws RdbException {
        long live = 0;
        StreamId prev = null;
        Stream.Iter it = s.iterator(null, null, false);
        it.skipTombstones = false;
        while (it.next()) {
            if (it.numFields < 0) throw corrupt(r, "Stream entry with a negative field count");
            StreamId id = it.id();
            if (prev != null && id.compareTo(prev) <= 0) throw corrupt(r, "Stream entries out of order");
            prev = id;
            if ((it.flags & Stream.FLAG_DELETED) == 0) live++;
            for (long i = 0; i < it.numFields; i++) it.nextField();
        }
        if (live != s.length) throw corrupt(r, "Stream length inconsistent with its entries");
    }

    private static StreamId readId(RdbReader r) throws IOException {
        long ms = r.readLen();
        long seq = r.readLen();
        return StreamId.of(ms, seq);
    }
}
