package io.vermilion.types;

import java.util.Arrays;

/**
 * The "skiplist" encoding of a sorted set: a skiplist ordered by (score, member) whose links
 * carry spans, so that rank queries and rank seeks are O(log n), plus an open-addressing table
 * from member bytes to node (the member -> score lookup). One node per element; the member bytes
 * are shared by both structures.
 *
 * <p>Members compare as unsigned bytes, a shorter prefix first (Redis's sdscmp); equal scores
 * order by member. Owned by the command thread; readers on other threads only read.
 */
final class ZSkipList {
    static final int MAX_LEVEL = 32;

    static final class Node {
        final byte[] ele;
        double score;
        Node back;
        final Node[] next;
        final int[] span;
        final int hash;

        Node(byte[] ele, double score, int level, int hash) {
            this.ele = ele;
            this.score = score;
            this.next = new Node[level];
            this.span = new int[level];
            this.hash = hash;
        }
    }

    final Node head = new Node(null, 0, MAX_LEVEL, 0);
    Node tail;
    int level = 1;
    int length;
    private long seed = System.nanoTime() | 1;
    // scratch paths (command thread only)
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rank = new int[MAX_LEVEL];

    // member -> node table (linear probing, backward-shift deletion)
    private Node[] table = new Node[4];
    private int tableSize;

    // ------------------------------------------------------------------ comparisons

    static int cmp(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** (score, ele) of x orders strictly before (score, ele). */
    private static boolean before(Node x, double score, byte[] ele) {
        return x.score < score || (x.score == score && cmp(x.ele, ele) < 0);
    }

    private int randomLevel() {
        int lvl = 1;
        while (lvl < MAX_LEVEL) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            if ((seed & 0xFFFF) >= 0x4000) break; // P = 0.25
            lvl++;
        }
        return lvl;
    }

    // ------------------------------------------------------------------ map

    static int hash(byte[] k) {
        int h = 0x9747b28c;
        for (byte b : k) h = (h ^ b) * 0x01000193;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    Node find(byte[] member) {
        int h = hash(member);
        Node[] t = table;
        int mask = t.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Node n = t[i];
            if (n == null) return null;
            if (n.hash == h && Arrays.equals(n.ele, member)) return n;
        }
    }

    private void mapPut(Node n) {
        if ((tableSize + 1) * 4 > table.length * 3) resize(table.length * 2);
        Node[] t = table;
        int mask = t.length - 1;
        int i = n.hash & mask;
        while (t[i] != null) i = (i + 1) & mask;
        t[i] = n;
        tableSize++;
    }

    private void resize(int cap) {
        Node[] old = table;
        Node[] t = new Node[cap];
        int mask = cap - 1;
        for (Node n : old) {
            if (n == null) continue;
            int i = n.hash & mask;
            while (t[i] != null) i = (i + 1) & mask;
            t[i] = n;
        }
        table = t;
    }

    private void mapRemove(Node n) {
        Node[] t = table;
        int mask = t.length - 1;
        int i = n.hash & mask;
        while (t[i] != n) i = (i + 1) & mask;
        // backward-shift deletion
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Node m = t[j];
            if (m == null) break;
            int home = m.hash & mask;
            // move m to i if its home is not in (i, j]
            if (((j - home) & mask) >= ((j - i) & mask)) {
                t[i] = m;
                i = j;
            }
        }
        t[i] = null;
        tableSize--;
        if (t.length > 16 && tableSize * 10 < t.length) resize(t.length / 2);
    }

    /** Pre-sizes the table for n members (loading). */
    void expand(int n) {
        int cap = 4;
        while (cap * 3 < n * 4L + 4 && cap < (1 << 30)) cap <<= 1;
        if (cap > table.length) resize(cap);
    }

    // ------------------------------------------------------------------ insert / delete

    /** Inserts a member that is not present. */
    Node insert(double score, byte[] ele) {
        Node x = new Node(ele, score, randomLevel(), hash(ele));
        link(x);
        mapPut(x);
        return x;
    }

    private void link(Node x) {
        double score = x.score;
        byte[] ele = x.ele;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (p.next[i] != null && before(p.next[i], score, ele)) {
                rank[i] += p.span[i];
                p = p.next[i];
            }
            update[i] = p;
        }
        int lvl = x.next.length;
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = head;
                head.span[i] = length;
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            x.next[i] = update[i].next[i];
            update[i].next[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = rank[0] - rank[i] + 1;
        }
        for (int i = lvl; i < level; i++) update[i].span[i]++;
        x.back = update[0] == head ? null : update[0];
        if (x.next[0] != null) x.next[0].back = x;
        else tail = x;
        length++;
    }

    /** Fills update[] with the path to (score, ele): update[i] is the last node before it at level i. */
    private void path(double score, byte[] ele) {
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && before(p.next[i], score, ele)) p = p.next[i];
            update[i] = p;
        }
    }

    private void unlink(Node x) {
        for (int i = 0; i < level; i++) {
            if (update[i].next[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].next[i] = x.next[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.next[0] != null) x.next[0].back = x.back;
        else tail = x.back;
        while (level > 1 && head.next[level - 1] == null) level--;
        length--;
    }

    /** Removes node n (which is in the list). */
    void delete(Node n) {
        path(n.score, n.ele);
        unlink(n);
        mapRemove(n);
    }

    /** Changes the score of node n, moving it if needed. */
    void updateScore(Node n, double newScore) {
        if ((n.back == null || n.back.score < newScore) && (n.next[0] == null || n.next[0].score > newScore)) {
            n.score = newScore;
            return;
        }
        path(n.score, n.ele);
        unlink(n);
        n.score = newScore;
        Arrays.fill(n.next, null);
        Arrays.fill(n.span, 0);
        n.back = null;
        link(n);
    }

    // ------------------------------------------------------------------ rank

    /** 1-based rank of node n. */
    long rankOf(Node n) {
        long r = 0;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && (p.next[i] == n || before(p.next[i], n.score, n.ele))) {
                r += p.span[i];
                p = p.next[i];
                if (p == n) return r;
            }
        }
        return r;
    }

    /** The node of 1-based rank r, or null. */
    Node byRank(long r) {
        long traversed = 0;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && traversed + p.span[i] <= r) {
                traversed += p.span[i];
                p = p.next[i];
            }
            if (traversed == r) return p == head ? null : p;
        }
        return null;
    }

    Node first() { return head.next[0]; }

    // ------------------------------------------------------------------ score ranges

    private static boolean gteMin(double v, ZRange.Score r) { return r.minEx() ? v > r.min() : v >= r.min(); }
    private static boolean lteMax(double v, ZRange.Score r) { return r.maxEx() ? v < r.max() : v <= r.max(); }

    private boolean inRange(ZRange.Score r) {
        if (r.isEmpty()) return false;
        if (tail == null || !gteMin(tail.score, r)) return false;
        Node f = head.next[0];
        return f != null && lteMax(f.score, r);
    }

    Node firstInRange(ZRange.Score r) {
        if (!inRange(r)) return null;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && !gteMin(p.next[i].score, r)) p = p.next[i];
        }
        p = p.next[0];
        return p != null && lteMax(p.score, r) ? p : null;
    }

    Node lastInRange(ZRange.Score r) {
        if (!inRange(r)) return null;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && lteMax(p.next[i].score, r)) p = p.next[i];
        }
        return p != head && gteMin(p.score, r) ? p : null;
    }

    // ------------------------------------------------------------------ lex ranges

    private boolean inLexRange(ZRange.Lex r) {
        if (r.isEmpty()) return false;
        if (tail == null || !r.gteMin(tail.ele, 0, tail.ele.length)) return false;
        Node f = head.next[0];
        return f != null && r.lteMax(f.ele, 0, f.ele.length);
    }

    Node firstInLex(ZRange.Lex r) {
        if (!inLexRange(r)) return null;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && !r.gteMin(p.next[i].ele, 0, p.next[i].ele.length)) p = p.next[i];
        }
        p = p.next[0];
        return p != null && r.lteMax(p.ele, 0, p.ele.length) ? p : null;
    }

    Node lastInLex(ZRange.Lex r) {
        if (!inLexRange(r)) return null;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && r.lteMax(p.next[i].ele, 0, p.next[i].ele.length)) p = p.next[i];
        }
        return p != head && r.gteMin(p.ele, 0, p.ele.length) ? p : null;
    }

    // ------------------------------------------------------------------ range deletion

    long deleteByScore(ZRange.Score r) {
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && !gteMin(p.next[i].score, r)) p = p.next[i];
            update[i] = p;
        }
        Node x = p.next[0];
        long removed = 0;
        while (x != null && lteMax(x.score, r)) {
            Node nx = x.next[0];
            unlink(x);
            mapRemove(x);
            removed++;
            x = nx;
        }
        return removed;
    }

    long deleteByLex(ZRange.Lex r) {
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && !r.gteMin(p.next[i].ele, 0, p.next[i].ele.length)) p = p.next[i];
            update[i] = p;
        }
        Node x = p.next[0];
        long removed = 0;
        while (x != null && r.lteMax(x.ele, 0, x.ele.length)) {
            Node nx = x.next[0];
            unlink(x);
            mapRemove(x);
            removed++;
            x = nx;
        }
        return removed;
    }

    /** Deletes 1-based ranks [start, end]. */
    long deleteByRank(long start, long end) {
        long traversed = 0;
        Node p = head;
        for (int i = level - 1; i >= 0; i--) {
            while (p.next[i] != null && traversed + p.span[i] < start) {
                traversed += p.span[i];
                p = p.next[i];
            }
            update[i] = p;
        }
        traversed++;
        Node x = p.next[0];
        long removed = 0;
        while (x != null && traversed <= end) {
            Node nx = x.next[0];
            unlink(x);
            mapRemove(x);
            removed++;
            traversed++;
            x = nx;
        }
        return removed;
    }

    /**
     * One step of a SCAN over the member table (Redis's dictScan): visits every node whose home
     * bucket is the cursor's bucket, then returns the next cursor in reverse-binary order (0 when
     * done). A node's home bucket is hash & mask and it sits at or after it in the same run of
     * occupied slots, so a bucket plays the part of a chained dict's bucket and the usual
     * guarantee holds across resizes: a member present for the whole scan is returned.
     */
    long scan(long cursor, java.util.function.Consumer<Node> f) {
        Node[] t = table;
        int mask = t.length - 1;
        int b = (int) (cursor & mask);
        for (int i = b; t[i] != null; i = (i + 1) & mask) {
            if ((t[i].hash & mask) == b) f.accept(t[i]);
            if (((i + 1) & mask) == b) break;
        }
        long v = cursor | ~(long) mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    /** A uniformly random node (non-empty list). */
    Node random(java.util.random.RandomGenerator rnd) {
        return byRank(1 + rnd.nextLong(length));
    }

    /** Estimated heap bytes: nodes (element, levels, spans) sampled along level 0, plus the index table. */
    long memoryEstimate() {
        long sum = 0;
        int found = 0;
        for (Node x = head.next[0]; x != null && found < MemoryUsage.SAMPLES; x = x.next[0], found++) {
            sum += 40 + MemoryUsage.array(x.ele.length) + MemoryUsage.refs(x.next.length) + MemoryUsage.align(16 + 4L * x.span.length);
        }
        long avg = found == 0 ? 0 : sum / found;
        return 64 + MemoryUsage.refs(table.length) + (long) length * (avg + 4);
    }
}
