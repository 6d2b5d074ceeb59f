package io.vermilion.types;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;


/**
 * A Redis stream (t_stream.c's data structure): entries stored in listpack nodes with Redis's
 * exact layout, in a map ordered by each node's master ID (Redis keeps them in a radix tree keyed
 * by the 128-bit big-endian ID), plus the stream's counters and its consumer groups.
 *
 * <p>Layout of a node's listpack (so that RDB/DUMP bytes are Redis's):
 * <pre>
 * master entry: count | deleted | num-fields | field_1 ... field_N | 0
 * each entry:   flags | ms-delta | seq-delta | [num-fields | field_1 ...] value_1 ... | lp-count
 * </pre>
 * where the fields are omitted (flag SAMEFIELDS) when the entry has exactly the master's fields,
 * deleted entries stay in place with the DELETED flag until their node empties, and lp-count is
 * the number of listpack elements of the entry minus one (so the entry can be walked backwards).
 *
 * <p>Consumer groups, consumers and pending entries are ordinary objects in sorted maps, ordered
 * as Redis's radix trees order them (names by unsigned bytes, IDs numerically).
 */
public final class Stream implements RedisValue {
    public static final int FLAG_NONE = 0, FLAG_DELETED = 1, FLAG_SAMEFIELDS = 2;
    /** Redis's STREAM_LISTPACK_MAX_SIZE. */
    public static final long LISTPACK_MAX_SIZE = 1L << 30;
    /** SCG_INVALID_ENTRIES_READ. */
    public static final long INVALID_ENTRIES_READ = -1;

    /** Nodes by master ID. */
    final TreeMap<StreamId, Listpack> nodes = new TreeMap<>();
    public long length;
    public StreamId lastId = StreamId.ZERO;
    public StreamId firstId = StreamId.ZERO;
    public StreamId maxDeletedId = StreamId.ZERO;
    public long entriesAdded;
    /** Consumer groups by name; null until the first one is created (as Redis). */
    TreeMap<byte[], Group> groups;

    // ------------------------------------------------------------------ groups, consumers, NACKs

    /** One pending (delivered, not acknowledged) entry of a group. */
    public static final class Nack {
        public Consumer consumer;
        public long deliveryTime;
        public long deliveryCount;

        public Nack(Consumer consumer, long deliveryTime, long deliveryCount) {
            this.consumer = consumer;
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
        }
    }

    /** A consumer of a group: its name, last-seen time and its own pending entries. */
    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        public final TreeMap<StreamId, Nack> pel = new TreeMap<>();

        public Consumer(byte[] name, long seenTime) {
            this.name = name;
            this.seenTime = seenTime;
        }
    }

    /** A consumer group. */
    public static final class Group {
        public final byte[] name;
        public StreamId lastId;
        public long entriesRead;
        public final TreeMap<StreamId, Nack> pel = new TreeMap<>();
        public final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

        public Group(byte[] name, StreamId lastId, long entriesRead) {
            this.name = name;
            this.lastId = lastId;
            this.entriesRead = entriesRead;
        }

        public Consumer consumer(byte[] name) { return consumers.get(name); }

        /** Creates the consumer; null if it exists. */
        public Consumer createConsumer(byte[] name, long now) {
            if (consumers.containsKey(name)) return null;
            Consumer c = new Consumer(name.clone(), now);
            consumers.put(c.name, c);
            return c;
        }

        /** Deletes a consumer and its pending entries from the group (streamDelConsumer). */
        public void deleteConsumer(Consumer c) {
            for (StreamId id : c.pel.keySet()) pel.remove(id);
            consumers.remove(c.name);
        }
    }

    public Group group(byte[] name) { return groups == null ? null : groups.get(name); }

    /** Creates a group; null if one of that name exists. */
    public Group createGroup(byte[] name, StreamId lastId, long entriesRead) {
        if (groups == null) groups = new TreeMap<>(Arrays::compareUnsigned);
        if (groups.containsKey(name)) return null;
        Group g = new Group(name.clone(), lastId, entriesRead);
        groups.put(g.name, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(name) != null;
    }

    /** The groups in name order (empty if none). */
    public java.util.Collection<Group> groups() {
        return groups == null ? List.of() : groups.values();
    }

    public int groupCount() { return groups == null ? 0 : groups.size(); }

    // ------------------------------------------------------------------ RedisValue

    @Override public String typeName() { return "stream"; }

    @Override public String encoding() { return "stream"; }

    @Override public long size() { return length; }

    /** Number of listpack nodes (XINFO radix-tree-keys, the RDB listpack count). */
    public int nodeCount() { return nodes.size(); }

    /** The nodes in ID order (master ID → listpack), for the RDB writer. */
    public java.util.NavigableMap<StreamId, Listpack> nodes() { return nodes; }

    /** Adds a node as loaded from an RDB payload; false if one with that master ID exists. */
    public boolean addLoadedNode(StreamId master, Listpack lp) {
        return nodes.putIfAbsent(master, lp) == null;
    }

    @Override public Stream copy() {
        Stream s = new Stream();
        for (Map.Entry<StreamId, Listpack> e : nodes.entrySet()) s.nodes.put(e.getKey(), e.getValue().copy());
        s.length = length;
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            for (Group g : groups.values()) {
                Group ng = s.createGroup(g.name, g.lastId, g.entriesRead);
                for (Map.Entry<StreamId, Nack> e : g.pel.entrySet()) {
                    ng.pel.put(e.getKey(), new Nack(null, e.getValue().deliveryTime, e.getValue().deliveryCount));
                }
                for (Consumer c : g.consumers.values()) {
                    Consumer nc = ng.createConsumer(c.name, c.seenTime);
                    for (StreamId id : c.pel.keySet()) {
                        Nack n = ng.pel.get(id);
                        n.consumer = nc;
                        nc.pel.put(id, n);
                    }
                }
            }
        }
        return s;
    }

    // ------------------------------------------------------------------ appending

    /**
     * Appends an entry whose ID the caller has checked to be greater than {@link #lastId}, with
     * the field/value pairs argv[from], argv[from+1], ... (numFields pairs). The tail node is
     * used unless it reached {@code maxBytes} (0 = no limit besides 1 GB) or {@code maxEntries}
     * (0 = no limit) counting deleted entries, as streamAppendItem.
     */
    public void append(StreamId id, byte[][] argv, int from, int numFields, long maxBytes, long maxEntries) {
        long totelelen = 0;
        for (int i = 0; i < numFields * 2; i++) totelelen += argv[from + i].length;
        Map.Entry<StreamId, Listpack> tail = nodes.lastEntry();
        Listpack lp = tail == null ? null : tail.getValue();
        StreamId master = tail == null ? null : tail.getKey();
        if (lp != null) {
            long nodeMax = maxBytes;
            if (nodeMax == 0 || nodeMax > LISTPACK_MAX_SIZE) nodeMax = LISTPACK_MAX_SIZE;
            boolean full = lp.bytes() + totelelen >= nodeMax;
            if (!full && maxEntries != 0) {
                int p = lp.first();
                long count = lp.getInt(p) + lp.getInt(lp.next(p));
                if (count >= maxEntries) full = true;
            }
            if (full) {
                lp.trim();
                lp = null;
            }
        }
        int flags = FLAG_NONE;
        if (lp == null) {
            master = id;
            lp = new Listpack();
            lp.append(1);
            lp.append(0);
            lp.append(numFields);
            for (int i = 0; i < numFields; i++) lp.append(argv[from + 2 * i]);
            lp.append(0);
            nodes.put(id, lp);
            flags = FLAG_SAMEFIELDS;
        } else {
            int p = lp.first();
            long count = lp.getInt(p);
            lp.replace(p, decimal(count + 1));
            p = lp.next(p);            // deleted
            p = lp.next(p);            // master field count
            long masterFields = lp.getInt(p);
            p = lp.next(p);
            if (masterFields == numFields) {
                int i = 0;
                for (; i < masterFields; i++) {
                    if (!lp.eq(p, argv[from + 2 * i])) break;
                    p = lp.next(p);
                }
                if (i == masterFields) flags = FLAG_SAMEFIELDS;
            }
        }
        lp.append(flags);
        lp.append(id.ms - master.ms);
        lp.append(id.seq - master.seq);
        boolean same = (flags & FLAG_SAMEFIELDS) != 0;
        if (!same) lp.append(numFields);
        for (int i = 0; i < numFields; i++) {
            if (!same) lp.append(argv[from + 2 * i]);
            lp.append(argv[from + 2 * i + 1]);
        }
        long lpCount = numFields + 3L + (same ? 0 : numFields + 1L);
        lp.append(lpCount);
        length++;
        entriesAdded++;
        lastId = id;
        if (length == 1) firstId = id;
    }

    private static byte[] decimal(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ iteration

    /** Iterates entries between two IDs (inclusive), forwards or backwards (streamIterator). */
    public Iter iterator(StreamId start, StreamId end, boolean rev) {
        return new Iter(this, start, end, rev);
    }

    /**
     * A cursor over entries in [start, end]. After {@link #next()} returns true, {@link #ms},
     * {@link #seq}, {@link #flags} and {@link #numFields} describe the entry and
     * {@link #nextField()} walks its fields ({@link #fieldPos}/{@link #valuePos} in
     * {@link #lp}). Invalid once the stream changes, except through {@link #removeCurrent()}.
     */
    public static final class Iter {
        private final Stream s;
        StreamId start, end;
        final boolean rev;
        public boolean skipTombstones = true;
        private Map.Entry<StreamId, Listpack> node;
        private boolean started;
        public Listpack lp;
        private long masterMs, masterSeq;
        private long masterFieldCount;
        private int masterFieldsStart;
        private int ele = -1;          // current position (-1: node exhausted)
        private int flagsPos;
        private int masterFieldPtr;
        private long remaining;        // fields of the emitted entry not read yet
        public long ms, seq;
        public int flags;
        public long numFields;
        public int fieldPos, valuePos;

        Iter(Stream s, StreamId start, StreamId end, boolean rev) {
            this.s = s;
            this.start = start == null ? StreamId.ZERO : start;
            this.end = end == null ? StreamId.MAX : end;
            this.rev = rev;
        }

        private Map.Entry<StreamId, Listpack> firstNode() {
            if (!rev) {
                Map.Entry<StreamId, Listpack> e = null;
                if (!start.isZero()) e = s.nodes.floorEntry(start);
                return e != null ? e : s.nodes.firstEntry();
            }
            Map.Entry<StreamId, Listpack> e = null;
            if (!end.isZero()) e = s.nodes.floorEntry(end);
            return e != null ? e : s.nodes.lastEntry();
        }

        public StreamId id() { return StreamId.of(ms, seq); }

        /** Advances to the next entry in range; false at the end. */
        public boolean next() {
            while (true) {
                if (lp == null || ele < 0) {
                    if (!started) {
                        started = true;
                        node = firstNode();
                    } else if (node != null) {
                        node = rev ? s.nodes.lowerEntry(node.getKey()) : s.nodes.higherEntry(node.getKey());
                    }
                    if (node == null) return false;
                    masterMs = node.getKey().ms;
                    masterSeq = node.getKey().seq;
                    lp = node.getValue();
                    ele = lp.first();
                    ele = lp.next(ele);
                    ele = lp.next(ele);
                    masterFieldCount = lp.getInt(ele);
                    ele = lp.next(ele);
                    masterFieldsStart = ele;
                    if (!rev) {
                        for (long i = 0; i < masterFieldCount; i++) ele = lp.next(ele);
                    } else {
                        ele = lp.last();
                    }
                } else if (rev) {
                    // back from the entry emitted last to the lp-count of the one before it
                    ele = lp.prev(flagsPos);
                } else {
                    // forward: skip what the caller did not read of the entry emitted last
                    long skip = (flags & FLAG_SAMEFIELDS) != 0 ? remaining : remaining * 2;
                    while (skip-- > 0) ele = lp.next(ele);
                }
                while (true) {
                    if (!rev) {
                        ele = lp.next(ele);
                        if (ele < 0) break;
                    } else {
                        long n = lp.getInt(ele);
                        if (n == 0) {       // the master entry's terminator
                            lp = null;
                            ele = -1;
                            break;
                        }
                        while (n-- > 0) ele = lp.prev(ele);
                    }
                    flagsPos = ele;
                    int f = (int) lp.getInt(ele);
                    ele = lp.next(ele);
                    long ims = masterMs + lp.getInt(ele);
                    ele = lp.next(ele);
                    long iseq = masterSeq + lp.getInt(ele);
                    ele = lp.next(ele);
                    long nf;
                    if ((f & FLAG_SAMEFIELDS) != 0) {
                        nf = masterFieldCount;
                    } else {
                        nf = lp.getInt(ele);
                        ele = lp.next(ele);
                    }
                    boolean visible = !skipTombstones || (f & FLAG_DELETED) == 0;
                    if (!rev) {
                        if (visible && StreamId.compare(ims, iseq, start.ms, start.seq) >= 0) {
                            if (StreamId.compare(ims, iseq, end.ms, end.seq) > 0) return false;
                            return emit(f, ims, iseq, nf);
                        }
                        long skip = (f & FLAG_SAMEFIELDS) != 0 ? nf : nf * 2;
                        for (long i = 0; i < skip; i++) ele = lp.next(ele);
                    } else {
                        if (visible && StreamId.compare(ims, iseq, end.ms, end.seq) <= 0) {
                            if (StreamId.compare(ims, iseq, start.ms, start.seq) < 0) return false;
                            return emit(f, ims, iseq, nf);
                        }
                        ele = lp.prev(flagsPos);
                    }
                }
            }
        }

        private boolean emit(int f, long ims, long iseq, long nf) {
            flags = f;
            ms = ims;
            seq = iseq;
            numFields = nf;
            remaining = nf;
            masterFieldPtr = masterFieldsStart;
            return true;
        }

        /** Positions fieldPos/valuePos on the entry's next field (call numFields times). */
        public void nextField() {
            remaining--;
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                fieldPos = masterFieldPtr;
                masterFieldPtr = lp.next(masterFieldPtr);
            } else {
                fieldPos = ele;
                ele = lp.next(ele);
            }
            valuePos = ele;
            ele = lp.next(ele);
        }

        /**
         * Marks the current entry deleted (streamIteratorRemoveEntry), dropping its node when it
         * was the node's last live entry, and re-seeks so that {@link #next()} continues after it.
         */
        public void removeCurrent() {
            Listpack l = lp;
            l.replace(flagsPos, decimal(flags | FLAG_DELETED));
            int p = l.first();
            long live = l.getInt(p);
            if (live == 1) {
                s.nodes.remove(node.getKey());
            } else {
                l.replace(p, decimal(live - 1));
                p = l.next(p);
                long del = l.getInt(p);
                l.replace(p, decimal(del + 1));
            }
            s.length--;
            StreamId cur = StreamId.of(ms, seq);
            if (rev) end = cur;
            else start = cur;
            started = false;
            lp = null;
            ele = -1;
            node = null;
        }
    }

    // ------------------------------------------------------------------ reads and deletes

    /** The first or last entry's ID, tombstones skipped or not (streamGetEdgeID); null if none. */
    public StreamId edgeId(boolean first, boolean skipTombstones) {
        Iter it = iterator(null, null, !first);
        it.skipTombstones = skipTombstones;
        return it.next() ? it.id() : null;
    }

    /** The last live entry's ID (streamLastValidID), 0-0 if the stream is empty. */
    public StreamId lastValidId() {
        StreamId id = edgeId(false, true);
        return id == null ? StreamId.ZERO : id;
    }

    /** Whether a live entry with this ID exists (streamEntryExists). */
    public boolean exists(StreamId id) {
        Iter it = iterator(id, id, false);
        return it.next();
    }

    /** Deletes the live entry with this ID (streamDeleteItem); false if there is none. */
    public boolean delete(StreamId id) {
        Iter it = iterator(id, id, false);
        if (!it.next()) return false;
        it.removeCurrent();
        return true;
    }

    /** Trimming strategies. */
    public static final int TRIM_NONE = 0, TRIM_MAXLEN = 1, TRIM_MINID = 2;

    /**
     * Trims from the head (streamTrim): by length (entries kept ≤ maxlen) or by ID (no entry
     * below minid). With approx only whole nodes go; limit (0 = none) bounds the entries removed.
     * Returns the number of entries removed.
     */
    public long trim(int strategy, long maxlen, StreamId minid, boolean approx, long limit) {
        if (strategy == TRIM_NONE) return 0;
        long deleted = 0;
        Map.Entry<StreamId, Listpack> e = nodes.firstEntry();
        while (e != null) {
            if (strategy == TRIM_MAXLEN && length <= maxlen) break;
            Listpack lp = e.getValue();
            int p = lp.first();
            long entries = lp.getInt(p);
            if (limit != 0 && deleted + entries > limit) break;
            StreamId master = e.getKey();
            boolean removeNode;
            if (strategy == TRIM_MAXLEN) {
                removeNode = length - entries >= maxlen;
            } else {
                StreamId lastInNode = nodeLastId(master, lp);
                removeNode = lastInNode.compareTo(minid) < 0;
            }
            if (removeNode) {
                nodes.remove(master);
                length -= entries;
                deleted += entries;
                e = nodes.higherEntry(master);
                continue;
            }
            if (approx) break;
            long deletedHere = 0;
            p = lp.next(p);
            p = lp.next(p);
            long masterFields = lp.getInt(p);
            p = lp.next(p);
            for (long j = 0; j < masterFields; j++) p = lp.next(p);
            p = lp.next(p);            // the master terminator: p now at the first entry
            while (p >= 0) {
                int flagsAt = p;
                int flags = (int) lp.getInt(p);
                p = lp.next(p);
                long msd = lp.getInt(p);
                p = lp.next(p);
                long seqd = lp.getInt(p);
                p = lp.next(p);
                boolean stop;
                if (strategy == TRIM_MAXLEN) {
                    stop = length <= maxlen;
                } else {
                    stop = StreamId.compare(master.ms + msd, master.seq + seqd, minid.ms, minid.seq) >= 0;
                }
                if (stop) break;
                long skip;
                if ((flags & FLAG_SAMEFIELDS) != 0) {
                    skip = masterFields;
                } else {
                    skip = lp.getInt(p) * 2;
                    p = lp.next(p);
                }
                while (skip-- > 0) p = lp.next(p);
                p = lp.next(p);        // past lp-count
                if ((flags & FLAG_DELETED) == 0) {
                    lp.replace(flagsAt, decimal(flags | FLAG_DELETED));   // same size: offsets hold
                    deletedHere++;
                    length--;
                }
            }
            deleted += deletedHere;
            p = lp.first();
            lp.replace(p, decimal(entries - deletedHere));
            p = lp.next(p);
            long marked = lp.getInt(p);
            lp.replace(p, decimal(marked + deletedHere));
            break;
        }
        if (length == 0) {
            firstId = StreamId.ZERO;
        } else if (deleted != 0) {
            StreamId f = edgeId(true, true);
            firstId = f == null ? StreamId.MAX : f;
        }
        return deleted;
    }

    /** The ID of the last entry of a node, tombstone or not (lpGetEdgeStreamID). */
    static StreamId nodeLastId(StreamId master, Listpack lp) {
        int p = lp.last();                     // lp-count of the last entry
        long n = lp.getInt(p);
        while (n-- > 0) p = lp.prev(p);        // at the flags
        p = lp.next(p);
        long msd = lp.getInt(p);
        p = lp.next(p);
        long seqd = lp.getInt(p);
        return StreamId.of(master.ms + msd, master.seq + seqd);
    }

    // ------------------------------------------------------------------ consumer-group arithmetic

    /** streamRangeHasTombstones: whether [start, end] may hold a deleted entry. */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedId.isZero()) return false;
        if (firstId.compareTo(maxDeletedId) > 0) return false;
        StreamId s0 = start == null ? StreamId.ZERO : start;
        StreamId e0 = end == null ? StreamId.MAX : end;
        return s0.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e0) <= 0;
    }

    /** streamEstimateDistanceFromFirstEverEntry; {@link #INVALID_ENTRIES_READ} if unknown. */
    public long estimateDistance(StreamId id) {
        if (entriesAdded == 0) return 0;
        if (length == 0 && id.compareTo(lastId) < 1) return entriesAdded;
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) return entriesAdded;
        if (cmpLast > 0) return INVALID_ENTRIES_READ;
        int cmpFirst = id.compareTo(firstId);
        int cmpDelFirst = maxDeletedId.compareTo(firstId);
        if (maxDeletedId.isZero() || cmpDelFirst < 0) {
            if (cmpFirst < 0) return entriesAdded - length;
            if (cmpFirst == 0) return entriesAdded - length + 1;
        }
        return INVALID_ENTRIES_READ;
    }

    /** The group's lag (streamReplyWithCGLag), or null when it cannot be known. */
    public Long lag(Group g) {
        if (entriesAdded == 0) return 0L;
        if (g.entriesRead != INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistance(g.lastId);
        return read != INVALID_ENTRIES_READ ? entriesAdded - read : null;
    }

    /** What a group's read counter becomes when an entry with this ID is delivered to it. */
    public void advanceGroup(Group g, StreamId id) {
        if (id.compareTo(g.lastId) <= 0) return;
        if (g.entriesRead != INVALID_ENTRIES_READ && !rangeHasTombstones(id, null)) {
            g.entriesRead++;
        } else if (entriesAdded != 0) {
            g.entriesRead = estimateDistance(id);
        }
        g.lastId = id;
    }

    // ------------------------------------------------------------------ radix tree shape

    /**
     * The number of nodes of Redis's radix tree holding the node keys (XINFO STREAM
     * radix-tree-nodes): a compressed radix tree over the 16-byte keys, with one node per
     * compressed run, one per branching point and one per key end, plus the root.
     */
    public long radixTreeNodes() {
        if (nodes.isEmpty()) return 1;
        byte[][] keys = new byte[nodes.size()][];
        int i = 0;
        for (StreamId id : nodes.keySet()) keys[i++] = id.encode();
        return raxCount(keys, 0, keys.length, 0);
    }

    private static long raxCount(byte[][] keys, int lo, int hi, int d) {
        if (d == 16) return 1;
        if (hi - lo == 1) return 2;
        int cp = 0;
        while (d + cp < 16 && keys[lo][d + cp] == keys[hi - 1][d + cp]) cp++;
        if (cp > 0) return 1 + raxCount(keys, lo, hi, d + cp);
        long total = 1;
        for (int i = lo; i < hi; ) {
            int j = i;
            while (j < hi && keys[j][d] == keys[i][d]) j++;
            total += raxCount(keys, i, j, d + 1);
            i = j;
        }
        return total;
    }

    // ------------------------------------------------------------------ AOF rewrite

    private static final byte[] XADD = b("XADD"), XSETID = b("XSETID"), XGROUP = b("XGROUP"),
            CREATE = b("CREATE"), CREATECONSUMER = b("CREATECONSUMER"), XCLAIM = b("XCLAIM"),
            MAXLEN = b("MAXLEN"), ENTRIESADDED = b("ENTRIESADDED"), MAXDELETEDID = b("MAXDELETEDID"),
            ENTRIESREAD = b("ENTRIESREAD"), TIME = b("TIME"), RETRYCOUNT = b("RETRYCOUNT"),
            JUSTID = b("JUSTID"), FORCE = b("FORCE");

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    /** An entry field or value at p as bytes. */
    public static byte[] element(Listpack lp, int p) { return lp.get(p); }

    /** The commands of Redis's rewriteStreamObject. */
    @Override public void rewrite(byte[] key, java.util.function.Consumer<byte[][]> out) {
        if (length > 0) {
            Iter it = iterator(null, null, false);
            while (it.next()) {
                byte[][] cmd = new byte[3 + (int) it.numFields * 2][];
                cmd[0] = XADD;
                cmd[1] = key;
                cmd[2] = it.id().toBytes();
                for (int i = 0; i < it.numFields; i++) {
                    it.nextField();
                    cmd[3 + 2 * i] = it.lp.get(it.fieldPos);
                    cmd[4 + 2 * i] = it.lp.get(it.valuePos);
                }
                out.accept(cmd);
            }
        } else {
            out.accept(new byte[][] {XADD, key, MAXLEN, b("0"), b("0-1"), b("x"), b("y")});
        }
        out.accept(new byte[][] {XSETID, key, lastId.toBytes(), ENTRIESADDED, decimal(entriesAdded),
                MAXDELETEDID, maxDeletedId.toBytes()});
        for (Group g : groups()) {
            out.accept(new byte[][] {XGROUP, CREATE, key, g.name, g.lastId.toBytes(), ENTRIESREAD,
                    decimal(g.entriesRead)});
            for (Consumer c : g.consumers.values()) {
                if (c.pel.isEmpty()) {
                    out.accept(new byte[][] {XGROUP, CREATECONSUMER, key, g.name, c.name});
                    continue;
                }
                for (Map.Entry<StreamId, Nack> e : c.pel.entrySet()) {
                    out.accept(new byte[][] {XCLAIM, key, g.name, c.name, b("0"), e.getKey().toBytes(), TIME,
                            decimal(e.getValue().deliveryTime), RETRYCOUNT, decimal(e.getValue().deliveryCount),
                            JUSTID, FORCE});
                }
            }
        }
    }

    /** For tests: every live entry as [id, field, value, ...] strings. */
    public List<List<String>> dump() {
        List<List<String>> all = new ArrayList<>();
        Iter it = iterator(null, null, false);
        while (it.next()) {
            List<String> e = new ArrayList<>();
            e.add(it.id().toString());
            for (int i = 0; i < it.numFields; i++) {
                it.nextField();
                e.add(new String(it.lp.get(it.fieldPos), StandardCharsets.ISO_8859_1));
                e.add(new String(it.lp.get(it.valuePos), StandardCharsets.ISO_8859_1));
            }
            all.add(e);
        }
        return all;
    }

    @Override public long memoryEstimate() {
        long b = 96 + nodes.size() * 64L;
        int n = 0;
        long sum = 0;
        for (Listpack lp : nodes.values()) {
            if (n++ >= MemoryUsage.SAMPLES) break;
            sum += 24 + MemoryUsage.array(lp.capacity());
        }
        if (n > 0) b += sum * nodes.size() / Math.min(n, MemoryUsage.SAMPLES);
        if (groups != null) {
            for (Group g : groups.values()) b += 128 + g.pel.size() * 80L + g.consumers.size() * 96L;
        }
        return b;
    }
}
