package io.vermilion.types;

import java.util.function.Consumer;

/**
 * A list as Redis 7.0 keeps it (OBJECT ENCODING "quicklist"): a sequence of nodes, each a
 * {@link Listpack} in Redis's bytes, or a PLAIN node holding one element on its own (an element
 * at or over the packed threshold, 1 GB as in Redis). Node boundaries follow quicklist.c's rules
 * exactly (fill limits by bytes or by count, the 8 KB safety limit for count limits, the size
 * estimate of a new entry, split and merge on insert), so a list built by the same operations
 * has the same nodes as in Redis and the same RDB / DUMP bytes.
 *
 * <p>The nodes live in a ring buffer ({@code Object[]}: a {@code Listpack} or a {@code byte[]}
 * for a PLAIN node), so pushes and pops at either end are O(1) in the number of nodes. A node
 * that is closed (a new node was started next to it) gives back its spare capacity.
 *
 * <p>The fill (list-max-listpack-size) is fixed when the list is created, as Redis's
 * quicklistSetOptions; a list made by a loader adopts the configured fill on its first write.
 */
public final class QuickList implements RedisValue {
    /** Byte limits of fill -1 .. -5 (Redis's optimization_level). */
    private static final int[] SIZE_LEVELS = {4096, 8192, 16384, 32768, 65536};
    private static final int SIZE_SAFETY_LIMIT = 8192;
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    private static final int FILL_MAX = (1 << 15) - 1;
    /** Elements of at least this size get a PLAIN node (Redis's packed_threshold). */
    public static final long PACKED_THRESHOLD = 1L << 30;
    /** Fill of a list whose fill is not known yet (made by a loader). */
    public static final int FILL_UNSET = Integer.MIN_VALUE;

    /** Receives one element without copying it: a string slice, or an integer. */
    public interface ElementVisitor {
        void str(byte[] a, int off, int len);
        void num(long v);
    }

    private int fill;
    private Object[] ring;
    private int head;      // ring index of node 0
    private int nodes;     // number of nodes
    private long count;    // number of elements

    public QuickList(int fill) {
        this.fill = clampFill(fill);
        this.ring = new Object[4];
    }

    private QuickList(int fill, Object[] ring, int nodes, long count) {
        this.fill = fill;
        this.ring = ring;
        this.nodes = nodes;
        this.count = count;
    }

    private static int clampFill(int f) {
        if (f == FILL_UNSET) return f;
        if (f > FILL_MAX) return FILL_MAX;
        return Math.max(f, -5);
    }

    /** The fill this list uses (list-max-listpack-size when it was created). */
    public int fill() { return fill; }

    /** Gives a loaded list its fill on its first write (Redis sets it at load time). */
    public void adoptFill(int f) {
        if (fill == FILL_UNSET) fill = clampFill(f);
    }

    private int effFill() { return fill == FILL_UNSET ? -2 : fill; }

    // ------------------------------------------------------------------ RedisValue

    @Override public String typeName() { return "list"; }
    @Override public String encoding() { return "quicklist"; }
    @Override public long size() { return count; }

    @Override
    public QuickList copy() {
        Object[] r = new Object[ring.length];
        for (int i = 0; i < nodes; i++) {
            Object n = node(i);
            r[i] = n instanceof Listpack lp ? lp.copy() : ((byte[]) n).clone();
        }
        return new QuickList(fill, r, nodes, count);
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> out) {
        byte[] rpush = {'R', 'P', 'U', 'S', 'H'};
        long left = count;
        int ni = 0;
        int p = -1;
        while (left > 0) {
            int batch = (int) Math.min(left, REWRITE_ITEMS_PER_CMD);
            byte[][] argv = new byte[batch + 2][];
            argv[0] = rpush;
            argv[1] = key;
            for (int j = 0; j < batch; j++) {
                Object n = node(ni);
                if (n instanceof byte[] plain) {
                    argv[j + 2] = plain;
                    ni++;
                    continue;
                }
                Listpack lp = (Listpack) n;
                p = p < 0 ? lp.first() : lp.next(p);
                argv[j + 2] = lp.get(p);
                if (lp.next(p) < 0) { ni++; p = -1; }
            }
            left -= batch;
            out.accept(argv);
        }
    }

    // ------------------------------------------------------------------ nodes

    /** Number of nodes. */
    public int nodeCount() { return nodes; }

    /** Node i: a {@link Listpack} (PACKED) or a {@code byte[]} (PLAIN). */
    public Object node(int i) { return ring[(head + i) & (ring.length - 1)]; }

    private void setNode(int i, Object n) { ring[(head + i) & (ring.length - 1)] = n; }

    private static int nodeCount(Object n) { return n instanceof Listpack lp ? lp.size() : 1; }

    private void growRing() {
        Object[] r = new Object[ring.length * 2];
        for (int i = 0; i < nodes; i++) r[i] = node(i);
        ring = r;
        head = 0;
    }

    /** Inserts a node so that it becomes node i (0..nodes). */
    private void insertNode(int i, Object n) {
        if (nodes == ring.length) growRing();
        int mask = ring.length - 1;
        if (i == 0) {
            head = (head - 1) & mask;
            ring[head] = n;
        } else {
            for (int j = nodes; j > i; j--) ring[(head + j) & mask] = ring[(head + j - 1) & mask];
            ring[(head + i) & mask] = n;
        }
        nodes++;
    }

    private void removeNode(int i) {
        int mask = ring.length - 1;
        if (i == 0) {
            ring[head] = null;
            head = (head + 1) & mask;
        } else {
            for (int j = i; j < nodes - 1; j++) ring[(head + j) & mask] = ring[(head + j + 1) & mask];
            ring[(head + nodes - 1) & mask] = null;
        }
        nodes--;
    }

    /** Appends a node as loaded from an RDB (a validated, non-empty listpack, or a PLAIN element). */
    public void appendNode(Object n) {
        insertNode(nodes, n);
        count += nodeCount(n);
    }

    // ------------------------------------------------------------------ limits

    private static boolean meetsSizeLevel(long sz, int fill) {
        if (fill >= 0) return false;
        int off = -fill - 1;
        return off < SIZE_LEVELS.length && sz <= SIZE_LEVELS[off];
    }

    private boolean allowInsert(Object n, long sz) {
        if (!(n instanceof Listpack lp) || sz >= PACKED_THRESHOLD) return false;
        long newSz = lp.bytes() + sz + SIZE_ESTIMATE_OVERHEAD;
        int f = effFill();
        if (meetsSizeLevel(newSz, f)) return true;
        if (newSz > SIZE_SAFETY_LIMIT) return false;
        return lp.size() < f;
    }

    private boolean allowMerge(Object a, Object b) {
        if (!(a instanceof Listpack la) || !(b instanceof Listpack lb)) return false;
        long mergeSz = (long) la.bytes() + lb.bytes() - 11;
        int f = effFill();
        if (meetsSizeLevel(mergeSz, f)) return true;
        if (mergeSz > SIZE_SAFETY_LIMIT) return false;
        return la.size() + lb.size() <= f;
    }

    // ------------------------------------------------------------------ push / pop

    public void pushHead(byte[] v) {
        if (v.length >= PACKED_THRESHOLD) {
            insertNode(0, v.clone());
        } else if (nodes > 0 && allowInsert(node(0), v.length)) {
            ((Listpack) node(0)).prepend(v);
        } else {
            if (nodes > 0 && node(0) instanceof Listpack old) old.trim();
            Listpack lp = new Listpack();
            lp.prepend(v);
            insertNode(0, lp);
        }
        count++;
    }

    public void pushTail(byte[] v) {
        if (v.length >= PACKED_THRESHOLD) {
            insertNode(nodes, v.clone());
        } else if (nodes > 0 && allowInsert(node(nodes - 1), v.length)) {
            ((Listpack) node(nodes - 1)).append(v);
        } else {
            if (nodes > 0 && node(nodes - 1) instanceof Listpack old) old.trim();
            Listpack lp = new Listpack();
            lp.append(v);
            insertNode(nodes, lp);
        }
        count++;
    }

    public void push(byte[] v, boolean head) {
        if (head) pushHead(v); else pushTail(v);
    }

    /** Shows the first (head) or last element to the visitor; the list must not be empty. */
    public void peek(boolean head, ElementVisitor v) {
        Object n = node(head ? 0 : nodes - 1);
        if (n instanceof byte[] plain) {
            v.str(plain, 0, plain.length);
            return;
        }
        Listpack lp = (Listpack) n;
        visit(lp, head ? lp.first() : lp.last(), v);
    }

    /** Removes and returns the first or last element; the list must not be empty. */
    public byte[] pop(boolean head) {
        int i = head ? 0 : nodes - 1;
        Object n = node(i);
        byte[] out;
        if (n instanceof byte[] plain) {
            out = plain;
            removeNode(i);
        } else {
            Listpack lp = (Listpack) n;
            int p = head ? lp.first() : lp.last();
            out = lp.get(p);
            lp.delete(p);
            if (lp.size() == 0) removeNode(i);
        }
        count--;
        return out;
    }

    /** Removes the first or last element without returning it. */
    public void drop(boolean head) {
        int i = head ? 0 : nodes - 1;
        Object n = node(i);
        if (n instanceof Listpack lp) {
            lp.delete(head ? lp.first() : lp.last());
            if (lp.size() == 0) removeNode(i);
        } else {
            removeNode(i);
        }
        count--;
    }

    private static void visit(Listpack lp, int p, ElementVisitor v) {
        if (lp.isInt(p)) v.num(lp.getInt(p));
        else v.str(lp.array(), lp.strStart(p), lp.strLen(p));
    }

    // ------------------------------------------------------------------ positions

    // Result of locate(): node index and index inside that node.
    private int locNode, locIdx;

    /** Finds element index (0 .. count-1): sets locNode / locIdx. */
    private void locate(long index) {
        if (index < count / 2) {
            long acc = 0;
            for (int i = 0; i < nodes; i++) {
                int c = nodeCount(node(i));
                if (index < acc + c) {
                    locNode = i;
                    locIdx = (int) (index - acc);
                    return;
                }
                acc += c;
            }
        } else {
            long acc = count;
            for (int i = nodes - 1; i >= 0; i--) {
                int c = nodeCount(node(i));
                acc -= c;
                if (index >= acc) {
                    locNode = i;
                    locIdx = (int) (index - acc);
                    return;
                }
            }
        }
        throw new IndexOutOfBoundsException(Long.toString(index));
    }

    /** The element at index (negative counts from the tail), or null if out of range. */
    public byte[] get(long index) {
        if (index < 0) index += count;
        if (index < 0 || index >= count) return null;
        locate(index);
        Object n = node(locNode);
        if (n instanceof byte[] plain) return plain;
        Listpack lp = (Listpack) n;
        return lp.get(lp.seek(locIdx));
    }

    /** Replaces the element at index (negative from the tail); false if out of range. */
    public boolean set(long index, byte[] v) {
        if (index < 0) index += count;
        if (index < 0 || index >= count) return false;
        locate(index);
        Object n = node(locNode);
        if (n instanceof Listpack lp && v.length < PACKED_THRESHOLD) {
            lp.replace(lp.seek(locIdx), v);
        } else if (n instanceof byte[] && v.length >= PACKED_THRESHOLD) {
            setNode(locNode, v.clone());
        } else {
            // A PLAIN element replaced by a small one, or a packed one by a huge one: insert after, delete.
            int ni = locNode, idx = locIdx;
            insert(ni, idx, true, v);
            deleteAt(index);
        }
        return true;
    }

    /**
     * Visits the elements [start, start+n) from the head (reverse = false) or the elements
     * going backwards from start (reverse = true, start is then the first visited element).
     */
    public void range(long start, long n, boolean reverse, ElementVisitor v) {
        if (n <= 0) return;
        locate(start);
        int ni = locNode;
        Object node = node(ni);
        int p = node instanceof Listpack lp ? lp.seek(locIdx) : 0;
        while (n-- > 0) {
            if (node instanceof byte[] plain) {
                v.str(plain, 0, plain.length);
                p = -1;
            } else {
                Listpack lp = (Listpack) node;
                visit(lp, p, v);
                p = reverse ? lp.prev(p) : lp.next(p);
            }
            if (p < 0 && n > 0) {
                ni += reverse ? -1 : 1;
                node = node(ni);
                p = node instanceof Listpack lp ? (reverse ? lp.last() : lp.first()) : 0;
            }
        }
    }

    // ------------------------------------------------------------------ search

    /** A cursor for scans (LREM, LPOS, LINSERT): node index, entry offset, index in node. */
    public final class Cursor {
        int ni, p, idx;
        long index;
        final boolean reverse;

        Cursor(boolean reverse) {
            this.reverse = reverse;
            if (count == 0) { ni = -1; return; }
            ni = reverse ? nodes - 1 : 0;
            enterNode();
            index = reverse ? count - 1 : 0;
        }

        private void enterNode() {
            Object n = node(ni);
            if (n instanceof Listpack lp) {
                p = reverse ? lp.last() : lp.first();
                idx = reverse ? lp.size() - 1 : 0;
            } else {
                p = 0;
                idx = 0;
            }
        }

        public boolean valid() { return ni >= 0 && ni < nodes; }
        /** The element's index in the list. */
        public long index() { return index; }

        public boolean matches(byte[] s) {
            Object n = node(ni);
            if (n instanceof byte[] plain) return java.util.Arrays.equals(plain, s);
            return ((Listpack) n).eq(p, s);
        }

        public void next() {
            Object n = node(ni);
            index += reverse ? -1 : 1;
            if (n instanceof Listpack lp) {
                p = reverse ? lp.prev(p) : lp.next(p);
                idx += reverse ? -1 : 1;
                if (p >= 0) return;
            }
            ni += reverse ? -1 : 1;
            if (valid()) enterNode();
        }

        /** Deletes the current element and moves to the next one (in the scan's direction). */
        public void deleteAndNext() {
            Object n = node(ni);
            count--;
            if (n instanceof Listpack lp && lp.size() > 1) {
                int q = lp.delete(p);
                if (!reverse) {
                    if (q >= 0) { p = q; return; }
                    removeNothingAndAdvance();
                } else {
                    index--;
                    idx--;
                    if (idx >= 0) { p = lp.seek(idx); return; }
                    ni--;
                    if (valid()) enterNode();
                }
                return;
            }
            removeNode(ni);
            if (reverse) {
                index--;
                ni--;
                if (valid()) enterNode();
            } else if (valid()) {
                enterNode();
            }
        }

        private void removeNothingAndAdvance() {
            ni++;
            if (valid()) enterNode();
        }

        /** Inserts v before or after the current element (LINSERT); the cursor is then invalid. */
        public void insert(boolean after, byte[] v) {
            QuickList.this.insert(ni, idx, after, v);
            ni = -1;
        }
    }

    public Cursor cursor(boolean reverse) { return new Cursor(reverse); }

    /** Deletes the element at index (0 .. count-1). */
    private void deleteAt(long index) {
        locate(index);
        Object n = node(locNode);
        if (n instanceof Listpack lp && lp.size() > 1) {
            lp.delete(lp.seek(locIdx));
        } else {
            removeNode(locNode);
        }
        count--;
    }

    /** Redis's _quicklistInsert: v before/after element idx of node ni. */
    private void insert(int ni, int idx, boolean after, byte[] v) {
        Object node = node(ni);
        int sz = v.length;
        int nc = nodeCount(node);
        boolean full = !allowInsert(node, sz);
        boolean atTail = false, atHead = false, availNext = false, availPrev = false;
        if (after && idx == nc - 1) {
            atTail = true;
            availNext = ni + 1 < nodes && allowInsert(node(ni + 1), sz);
        }
        if (!after && idx == 0) {
            atHead = true;
            availPrev = ni > 0 && allowInsert(node(ni - 1), sz);
        }
        count++;
        if (sz >= PACKED_THRESHOLD) {
            if (node instanceof byte[] || (atTail && after) || (atHead && !after)) {
                insertNode(after ? ni + 1 : ni, v.clone());
            } else {
                Listpack rest = split((Listpack) node, idx, after);
                if (after) {
                    insertNode(ni + 1, v.clone());
                    insertNode(ni + 2, rest);
                } else {
                    insertNode(ni, v.clone());
                    insertNode(ni, rest);
                }
            }
            return;
        }
        if (!full) {
            Listpack lp = (Listpack) node;
            int p = lp.seek(idx);
            if (after) lp.insertAfter(p, v); else lp.insertBefore(p, v);
        } else if (atTail && availNext && after) {
            ((Listpack) node(ni + 1)).prepend(v);
        } else if (atHead && availPrev && !after) {
            ((Listpack) node(ni - 1)).append(v);
        } else if ((atTail && !availNext && after) || (atHead && !availPrev && !after)) {
            Listpack lp = new Listpack();
            lp.prepend(v);
            insertNode(after ? ni + 1 : ni, lp);
        } else {
            Listpack lp = (Listpack) node;
            Listpack nn = split(lp, idx, after);
            if (after) nn.prepend(v); else nn.append(v);
            int centre;
            if (after) {
                insertNode(ni + 1, nn);
                centre = ni;
            } else {
                insertNode(ni, nn);
                centre = ni + 1;
            }
            mergeAround(centre);
        }
    }

    /**
     * Redis's _quicklistSplitNode: after = true leaves [0, idx] in lp and returns [idx+1, end];
     * after = false leaves [idx, end] in lp and returns [0, idx-1].
     */
    private static Listpack split(Listpack lp, int idx, boolean after) {
        Listpack other = lp.copy();
        int n = lp.size();
        if (after) {
            lp.deleteRange(idx + 1, n - idx - 1);
            other.deleteRange(0, idx + 1);
        } else {
            lp.deleteRange(0, idx);
            other.deleteRange(idx, n - idx);
        }
        return other;
    }

    /** Redis's _quicklistMergeNodes around node c. */
    private void mergeAround(int c) {
        // prev_prev + prev
        if (c >= 2 && allowMerge(node(c - 1), node(c - 2))) {
            merge(c - 2);
            c--;
        }
        // next + next_next
        if (c + 2 < nodes && allowMerge(node(c + 1), node(c + 2))) {
            merge(c + 1);
        }
        // centre + prev
        int target = c;
        if (c >= 1 && allowMerge(node(c), node(c - 1))) {
            merge(c - 1);
            target = c - 1;
        }
        if (target + 1 < nodes && allowMerge(node(target), node(target + 1))) {
            merge(target);
        }
    }

    /** Merges node i+1 into node i. */
    private void merge(int i) {
        Listpack a = (Listpack) node(i);
        Listpack b = (Listpack) node(i + 1);
        for (int p = b.first(); p >= 0; p = b.next(p)) {
            if (b.isInt(p)) a.append(b.getInt(p));
            else a.append(b.get(p));
        }
        removeNode(i + 1);
    }

    /**
     * Redis's quicklistDelRange for start >= 0: deletes [start, start+n) removing whole nodes
     * where it can, without merging.
     */
    public void deleteRange(long start, long n) {
        if (n <= 0 || start >= count) return;
        n = Math.min(n, count - start);
        locate(start);
        int ni = locNode;
        int off = locIdx;
        while (n > 0) {
            Object node = node(ni);
            int nc = nodeCount(node);
            int del = (int) Math.min(nc - off, n);
            if ((off == 0 && del == nc) || node instanceof byte[]) {
                removeNode(ni);
            } else {
                ((Listpack) node).deleteRange(off, del);
                ni++;
            }
            count -= del;
            n -= del;
            off = 0;
        }
    }

    /** Bytes used by the elements (for memory accounting). */
    public long allocatedBytes() {
        long b = 32L + 4L * ring.length;
        for (int i = 0; i < nodes; i++) {
            Object n = node(i);
            b += 16 + (n instanceof Listpack lp ? lp.capacity() + 24 : ((byte[]) n).length);
        }
        return b;
    }

    @Override public long memoryEstimate() {
        if (nodes <= 2 * MemoryUsage.SAMPLES) return allocatedBytes();
        // Sample a few nodes: a long list is not walked on every write.
        long sum = 0;
        for (int j = 0; j < MemoryUsage.SAMPLES; j++) {
            Object n = node(MemoryUsage.rnd().nextInt(nodes));
            sum += 16 + (n instanceof Listpack lp ? lp.capacity() + 24 : ((byte[]) n).length);
        }
        return 32L + 4L * ring.length + sum * nodes / MemoryUsage.SAMPLES;
    }
}
