package io.vermilion.types;

import io.vermilion.util.Numbers;
import io.vermilion.util.Strtod;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A sorted set, in one of Redis 7.0's two encodings:
 * <ul>
 *   <li>"listpack": member, score, member, score ... in Redis's listpack bytes, ordered by score
 *       then member. Scores are stored as zzlInsertAt stores them: an integral score within
 *       ±2^62 as an integer entry, anything else as its %.17g text ("inf", "-inf", ...).</li>
 *   <li>"skiplist": a skiplist with spans (O(log n) rank) plus a member table.</li>
 * </ul>
 * A listpack becomes a skiplist when an add would exceed {@code zset-max-listpack-entries} or
 * add a member longer than {@code zset-max-listpack-value} (the thresholds are arguments, read
 * by the caller at the time of the write). It goes back only through
 * {@link #convertToListpackIfNeeded} (Redis's zsetConvertToListpackIfNeeded: store commands).
 *
 * <p>Iteration hands members to a {@link Visitor} as (array, offset, length) without copying:
 * the visitor must not keep the array. Not thread-safe: the command thread owns values.
 */
public final class ZSetValue implements RedisValue {
    // add() input flags (ZADD_IN_*)
    public static final int NX = 1, XX = 2, GT = 4, LT = 8, INCR = 16;
    // add() result flags (ZADD_OUT_*)
    public static final int ADDED = 1, UPDATED = 2, NOP = 4, NAN = 8;

    /** LISTPACK_MAX_SAFETY_SIZE. */
    static final long LP_SAFETY = 1L << 30;

    /** Receives one element: member bytes b[off, off+len) (do not keep b) and its score. */
    @FunctionalInterface
    public interface Visitor {
        void visit(byte[] b, int off, int len, double score);
    }

    private Listpack lp;      // listpack encoding, or null
    private ZSkipList sl;     // skiplist encoding, or null

    private ZSetValue(Listpack lp, ZSkipList sl) {
        this.lp = lp;
        this.sl = sl;
    }

    /** An empty listpack-encoded zset. */
    public static ZSetValue newListpack() { return new ZSetValue(new Listpack(), null); }

    /** An empty skiplist-encoded zset. */
    public static ZSetValue newSkiplist() { return new ZSetValue(null, new ZSkipList()); }

    /** ZADD's choice for a new key: skiplist if maxEntries is 0 or the first member is too long. */
    public static ZSetValue create(long maxEntries, long maxValue, int firstMemberLen) {
        return maxEntries == 0 || maxValue < firstMemberLen ? newSkiplist() : newListpack();
    }

    /**
     * A zset over loaded listpack bytes (validated by the caller: pairs, unique members, in
     * order as Redis keeps them).
     */
    public static ZSetValue wrapListpack(Listpack lp) { return new ZSetValue(lp, null); }

    @Override public String typeName() { return "zset"; }

    @Override public String encoding() { return lp != null ? "listpack" : "skiplist"; }

    public boolean isListpack() { return lp != null; }

    /** The listpack (listpack encoding only; for the RDB writer: do not modify). */
    public Listpack listpack() { return lp; }

    @Override public long size() { return lp != null ? lp.size() / 2 : sl.length; }

    @Override public ZSetValue copy() {
        if (lp != null) return new ZSetValue(lp.copy(), null);
        ZSkipList n = new ZSkipList();
        n.expand(sl.length);
        for (ZSkipList.Node x = sl.tail; x != null; x = x.back) n.insert(x.score, x.ele.clone());
        return new ZSetValue(null, n);
    }

    /**
     * rewriteSortedSetObject: ZADD key score member ... in batches of 64 pairs; a listpack's
     * scores as stored, a skiplist's as %.17g.
     */
    @Override public void rewrite(byte[] key, Consumer<byte[][]> out) {
        long n = size();
        if (n == 0) return;
        Batch batch = new Batch(key, n, out);
        if (lp != null) {
            forEachRaw((m, mo, ml, sc, so, sl2) -> batch.add(Arrays.copyOfRange(sc, so, so + sl2), Arrays.copyOfRange(m, mo, mo + ml)));
        } else {
            for (ZSkipList.Node x = sl.first(); x != null; x = x.next[0]) batch.add(Strtod.g17(x.score), x.ele);
        }
    }

    private static final class Batch {
        private static final byte[] ZADD = {'Z', 'A', 'D', 'D'};
        private final byte[] key;
        private final Consumer<byte[][]> out;
        private long left;
        private byte[][] cmd;
        private int fill;

        Batch(byte[] key, long n, Consumer<byte[][]> out) {
            this.key = key;
            this.left = n;
            this.out = out;
        }

        void add(byte[] score, byte[] member) {
            if (cmd == null) {
                int items = (int) Math.min(left, REWRITE_ITEMS_PER_CMD);
                cmd = new byte[2 + items * 2][];
                cmd[0] = ZADD;
                cmd[1] = key;
                fill = 2;
            }
            cmd[fill++] = score;
            cmd[fill++] = member;
            left--;
            if (fill == cmd.length) {
                out.accept(cmd);
                cmd = null;
            }
        }
    }

    // ------------------------------------------------------------------ listpack helpers

    private double lpScore(int sp) {
        if (lp.isInt(sp)) return lp.getInt(sp);
        return Strtod.lenient(lp.array(), lp.strStart(sp), lp.strLen(sp));
    }

    /** Compares the member at p with m (zzlCompareElements). */
    private int lpCmp(int p, byte[] m, byte[] scratch) {
        if (lp.isInt(p)) {
            long v = lp.getInt(p);
            int n = Numbers.digits(v);
            Numbers.writeDigits(v, scratch, 0, n);
            return Arrays.compareUnsigned(scratch, 0, n, m, 0, m.length);
        }
        int s = lp.strStart(p);
        return Arrays.compareUnsigned(lp.array(), s, s + lp.strLen(p), m, 0, m.length);
    }

    /** Visits the member at p with score. */
    private void lpVisit(int p, double score, byte[] scratch, Visitor v) {
        if (lp.isInt(p)) {
            long x = lp.getInt(p);
            int n = Numbers.digits(x);
            Numbers.writeDigits(x, scratch, 0, n);
            v.visit(scratch, 0, n, score);
        } else {
            v.visit(lp.array(), lp.strStart(p), lp.strLen(p), score);
        }
    }

    private boolean lpLexGte(int p, ZRange.Lex r, byte[] scratch) {
        if (lp.isInt(p)) {
            long x = lp.getInt(p);
            int n = Numbers.digits(x);
            Numbers.writeDigits(x, scratch, 0, n);
            return r.gteMin(scratch, 0, n);
        }
        return r.gteMin(lp.array(), lp.strStart(p), lp.strLen(p));
    }

    private boolean lpLexLte(int p, ZRange.Lex r, byte[] scratch) {
        if (lp.isInt(p)) {
            long x = lp.getInt(p);
            int n = Numbers.digits(x);
            Numbers.writeDigits(x, scratch, 0, n);
            return r.lteMax(scratch, 0, n);
        }
        return r.lteMax(lp.array(), lp.strStart(p), lp.strLen(p));
    }

    /** The score entry as zzlInsertAt writes it. */
    static byte[] scoreText(double score) {
        if (Strtod.isSafeLong(score)) return Numbers.toBytes((long) score);
        return Strtod.d2string(score);
    }

    /** zzlInsert: (member, score) at its ordered place; member not present. */
    private void lpInsert(byte[] ele, double score) {
        byte[] scratch = new byte[20];
        for (int e = lp.first(); e >= 0; ) {
            int sp = lp.next(e);
            double s = lpScore(sp);
            if (s > score || (s == score && lpCmp(e, ele, scratch) > 0)) {
                int at = lp.insertBefore(e, ele);
                lp.insertAfter(at, scoreText(score));
                return;
            }
            e = lp.next(sp);
        }
        lp.append(ele);
        if (Strtod.isSafeLong(score)) lp.append((long) score);
        else lp.append(Strtod.d2string(score));
    }

    private int lpFind(byte[] member) {
        int p = lp.first();
        return p < 0 ? -1 : lp.find(p, member, 1);
    }

    // ------------------------------------------------------------------ point operations

    /**
     * zsetAdd: adds or updates member with the NX/XX/GT/LT/INCR flags; returns the result flags
     * (ADDED, UPDATED, NOP, or NAN when the resulting score is NaN: nothing changed then).
     * {@code newScore[0]} (if given) receives the resulting score when the element was
     * processed. The thresholds decide a listpack -> skiplist conversion.
     */
    public int add(double score, byte[] member, int flags, long maxEntries, long maxValue, double[] newScore) {
        if (Double.isNaN(score)) return NAN;
        boolean incr = (flags & INCR) != 0, nx = (flags & NX) != 0, xx = (flags & XX) != 0;
        boolean gt = (flags & GT) != 0, lt = (flags & LT) != 0;
        if (lp != null) {
            int e = lpFind(member);
            if (e >= 0) {
                if (nx) return NOP;
                double cur = lpScore(lp.next(e));
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) return NAN;
                }
                if ((lt && score >= cur) || (gt && score <= cur)) return NOP;
                if (newScore != null) newScore[0] = score;
                if (score != cur) {
                    lp.delete(e, 2);
                    lpInsert(member, score);
                    return UPDATED;
                }
                return 0;
            } else if (!xx) {
                if (size() + 1 > maxEntries || member.length > maxValue
                        || lp.bytes() + (long) member.length > LP_SAFETY) {
                    convertToSkiplist();
                } else {
                    lpInsert(member, score);
                    if (newScore != null) newScore[0] = score;
                    return ADDED;
                }
            } else {
                return NOP;
            }
        }
        ZSkipList.Node n = sl.find(member);
        if (n != null) {
            if (nx) return NOP;
            double cur = n.score;
            if (incr) {
                score += cur;
                if (Double.isNaN(score)) return NAN;
            }
            if ((lt && score >= cur) || (gt && score <= cur)) return NOP;
            if (newScore != null) newScore[0] = score;
            if (score != cur) {
                sl.updateScore(n, score);
                return UPDATED;
            }
            return 0;
        } else if (!xx) {
            sl.insert(score, member.clone());
            if (newScore != null) newScore[0] = score;
            return ADDED;
        }
        return NOP;
    }

    /** The score of member, or NaN if absent (scores are never NaN). */
    public double score(byte[] member) {
        if (lp != null) {
            int e = lpFind(member);
            return e < 0 ? Double.NaN : lpScore(lp.next(e));
        }
        ZSkipList.Node n = sl.find(member);
        return n == null ? Double.NaN : n.score;
    }

    public boolean contains(byte[] member) {
        return lp != null ? lpFind(member) >= 0 : sl.find(member) != null;
    }

    /** Removes member; true if it was present. */
    public boolean remove(byte[] member) {
        if (lp != null) {
            int e = lpFind(member);
            if (e < 0) return false;
            lp.delete(e, 2);
            return true;
        }
        ZSkipList.Node n = sl.find(member);
        if (n == null) return false;
        sl.delete(n);
        return true;
    }

    /** 0-based rank of member (from the highest score when reverse), or -1 if absent. */
    public long rank(byte[] member, boolean reverse) {
        long len = size();
        if (lp != null) {
            long r = 0;
            for (int e = lp.first(); e >= 0; ) {
                if (lp.eq(e, member)) return reverse ? len - 1 - r : r;
                r++;
                e = lp.next(lp.next(e));
            }
            return -1;
        }
        ZSkipList.Node n = sl.find(member);
        if (n == null) return -1;
        long r = sl.rankOf(n);
        return reverse ? len - r : r - 1;
    }

    /**
     * Removes and returns the lowest (or, with max, the highest) element's member; its score goes
     * to {@code score[0]}. The zset must not be empty.
     */
    public byte[] pop(boolean max, double[] score) {
        if (lp != null) {
            int e = max ? lp.seek(-2) : lp.first();
            byte[] m = lp.get(e);
            score[0] = lpScore(lp.next(e));
            lp.delete(e, 2);
            return m;
        }
        ZSkipList.Node n = max ? sl.tail : sl.first();
        score[0] = n.score;
        sl.delete(n);
        return n.ele;
    }

    // ------------------------------------------------------------------ iteration

    /** Every element, ascending (or descending with reverse). */
    public void forEach(boolean reverse, Visitor v) {
        long n = size();
        if (n > 0) range(0, n - 1, reverse, v);
    }

    /**
     * Elements of 0-based ranks start..end (inclusive, 0 <= start <= end < size), counted from
     * the highest score when reverse.
     */
    public void range(long start, long end, boolean reverse, Visitor v) {
        long count = end - start + 1;
        if (lp != null) {
            byte[] scratch = new byte[20];
            int e = reverse ? lp.seek(-2 - 2 * start) : lp.seek(2 * start);
            while (count-- > 0 && e >= 0) {
                int sp = lp.next(e);
                lpVisit(e, lpScore(sp), scratch, v);
                if (reverse) {
                    int ps = lp.prev(e);
                    e = ps < 0 ? -1 : lp.prev(ps);
                } else {
                    e = lp.next(sp);
                }
            }
            return;
        }
        long len = sl.length;
        ZSkipList.Node x;
        if (reverse) x = start > 0 ? sl.byRank(len - start) : sl.tail;
        else x = start > 0 ? sl.byRank(start + 1) : sl.first();
        while (count-- > 0 && x != null) {
            v.visit(x.ele, 0, x.ele.length, x.score);
            x = reverse ? x.back : x.next[0];
        }
    }

    // listpack range starts (zzlFirstInRange / zzlLastInRange), -1 if none
    private int lpFirstInRange(ZRange.Score r) {
        if (!lpInRange(r)) return -1;
        for (int e = lp.first(); e >= 0; ) {
            int sp = lp.next(e);
            double s = lpScore(sp);
            if (r.gteMin(s)) return r.lteMax(s) ? e : -1;
            e = lp.next(sp);
        }
        return -1;
    }

    private int lpLastInRange(ZRange.Score r) {
        if (!lpInRange(r)) return -1;
        for (int e = lp.seek(-2); e >= 0; ) {
            double s = lpScore(lp.next(e));
            if (r.lteMax(s)) return r.gteMin(s) ? e : -1;
            int ps = lp.prev(e);
            e = ps < 0 ? -1 : lp.prev(ps);
        }
        return -1;
    }

    private boolean lpInRange(ZRange.Score r) {
        if (r.isEmpty() || lp.size() == 0) return false;
        if (!r.gteMin(lpScore(lp.last()))) return false;
        return r.lteMax(lpScore(lp.next(lp.first())));
    }

    private boolean lpInLexRange(ZRange.Lex r, byte[] scratch) {
        if (r.isEmpty() || lp.size() == 0) return false;
        if (!lpLexGte(lp.seek(-2), r, scratch)) return false;
        return lpLexLte(lp.first(), r, scratch);
    }

    private int lpFirstInLex(ZRange.Lex r, byte[] scratch) {
        if (!lpInLexRange(r, scratch)) return -1;
        for (int e = lp.first(); e >= 0; e = lp.next(lp.next(e))) {
            if (lpLexGte(e, r, scratch)) return lpLexLte(e, r, scratch) ? e : -1;
        }
        return -1;
    }

    private int lpLastInLex(ZRange.Lex r, byte[] scratch) {
        if (!lpInLexRange(r, scratch)) return -1;
        for (int e = lp.seek(-2); e >= 0; ) {
            if (lpLexLte(e, r, scratch)) return lpLexGte(e, r, scratch) ? e : -1;
            int ps = lp.prev(e);
            e = ps < 0 ? -1 : lp.prev(ps);
        }
        return -1;
    }

    private int lpStep(int e, boolean reverse) {
        if (reverse) {
            int ps = lp.prev(e);
            return ps < 0 ? -1 : lp.prev(ps);
        }
        return lp.next(lp.next(e));
    }

    /**
     * Elements with scores in r (from the highest when reverse), skipping offset of them and
     * visiting at most limit (negative: no limit). Returns the number visited.
     */
    public long rangeByScore(ZRange.Score r, boolean reverse, long offset, long limit, Visitor v) {
        long n = 0;
        if (lp != null) {
            byte[] scratch = new byte[20];
            int e = reverse ? lpLastInRange(r) : lpFirstInRange(r);
            while (e >= 0 && offset-- != 0) e = lpStep(e, reverse);
            while (e >= 0 && limit-- != 0) {
                double s = lpScore(lp.next(e));
                if (reverse ? !r.gteMin(s) : !r.lteMax(s)) break;
                lpVisit(e, s, scratch, v);
                n++;
                e = lpStep(e, reverse);
            }
            return n;
        }
        ZSkipList.Node x = reverse ? sl.lastInRange(r) : sl.firstInRange(r);
        while (x != null && offset-- != 0) x = reverse ? x.back : x.next[0];
        while (x != null && limit-- != 0) {
            if (reverse ? !r.gteMin(x.score) : !r.lteMax(x.score)) break;
            v.visit(x.ele, 0, x.ele.length, x.score);
            n++;
            x = reverse ? x.back : x.next[0];
        }
        return n;
    }

    /** As {@link #rangeByScore} for a lex range. */
    public long rangeByLex(ZRange.Lex r, boolean reverse, long offset, long limit, Visitor v) {
        long n = 0;
        if (lp != null) {
            byte[] scratch = new byte[20];
            int e = reverse ? lpLastInLex(r, scratch) : lpFirstInLex(r, scratch);
            while (e >= 0 && offset-- != 0) e = lpStep(e, reverse);
            while (e >= 0 && limit-- != 0) {
                if (reverse ? !lpLexGte(e, r, scratch) : !lpLexLte(e, r, scratch)) break;
                lpVisit(e, lpScore(lp.next(e)), scratch, v);
                n++;
                e = lpStep(e, reverse);
            }
            return n;
        }
        ZSkipList.Node x = reverse ? sl.lastInLex(r) : sl.firstInLex(r);
        while (x != null && offset-- != 0) x = reverse ? x.back : x.next[0];
        while (x != null && limit-- != 0) {
            if (reverse ? !r.gteMin(x.ele, 0, x.ele.length) : !r.lteMax(x.ele, 0, x.ele.length)) break;
            v.visit(x.ele, 0, x.ele.length, x.score);
            n++;
            x = reverse ? x.back : x.next[0];
        }
        return n;
    }

    /** ZCOUNT. */
    public long countByScore(ZRange.Score r) {
        if (lp != null) {
            long n = 0;
            int e = lpFirstInRange(r);
            while (e >= 0) {
                int sp = lp.next(e);
                if (!r.lteMax(lpScore(sp))) break;
                n++;
                e = lp.next(sp);
            }
            return n;
        }
        ZSkipList.Node f = sl.firstInRange(r);
        if (f == null) return 0;
        long count = sl.length - (sl.rankOf(f) - 1);
        ZSkipList.Node l = sl.lastInRange(r);
        if (l != null) count -= sl.length - sl.rankOf(l);
        return count;
    }

    /** ZLEXCOUNT. */
    public long countByLex(ZRange.Lex r) {
        if (lp != null) {
            byte[] scratch = new byte[20];
            long n = 0;
            int e = lpFirstInLex(r, scratch);
            while (e >= 0 && lpLexLte(e, r, scratch)) {
                n++;
                e = lp.next(lp.next(e));
            }
            return n;
        }
        ZSkipList.Node f = sl.firstInLex(r);
        if (f == null) return 0;
        long count = sl.length - (sl.rankOf(f) - 1);
        ZSkipList.Node l = sl.lastInLex(r);
        if (l != null) count -= sl.length - sl.rankOf(l);
        return count;
    }

    /** Receives a listpack element: member bytes and the score entry's text, both in place. */
    @FunctionalInterface
    public interface RawVisitor {
        void visit(byte[] m, int moff, int mlen, byte[] s, int soff, int slen);
    }

    /**
     * Listpack encoding only: every element ascending with its score as stored (integer digits or
     * the %.17g text), as ZSCAN and the listpack walk of Redis see it.
     */
    public void forEachRaw(RawVisitor v) {
        byte[] ms = new byte[20], ss = new byte[20];
        for (int e = lp.first(); e >= 0; ) {
            int sp = lp.next(e);
            byte[] mb; int mo, ml;
            if (lp.isInt(e)) { long x = lp.getInt(e); ml = Numbers.digits(x); Numbers.writeDigits(x, ms, 0, ml); mb = ms; mo = 0; }
            else { mb = lp.array(); mo = lp.strStart(e); ml = lp.strLen(e); }
            byte[] sb; int so, sl2;
            if (lp.isInt(sp)) { long x = lp.getInt(sp); sl2 = Numbers.digits(x); Numbers.writeDigits(x, ss, 0, sl2); sb = ss; so = 0; }
            else { sb = lp.array(); so = lp.strStart(sp); sl2 = lp.strLen(sp); }
            v.visit(mb, mo, ml, sb, so, sl2);
            e = lp.next(sp);
        }
    }

    /**
     * Skiplist encoding only: ZSCAN's hash-table walk. Visits the members of buckets from cursor
     * on until at least {@code count} were visited (or 10 * count buckets were seen), and returns
     * the next cursor, 0 at the end.
     */
    public long scan(long cursor, long count, Visitor v) {
        long[] seen = {0};
        long maxIterations = count * 10;
        do {
            cursor = sl.scan(cursor, n -> {
                v.visit(n.ele, 0, n.ele.length, n.score);
                seen[0]++;
            });
        } while (cursor != 0 && maxIterations-- > 0 && seen[0] < count);
        return cursor;
    }

    // ------------------------------------------------------------------ range removal

    /** Removes 0-based ranks start..end (sanitized: 0 <= start <= end < size). */
    public long removeRangeByRank(long start, long end) {
        if (lp != null) {
            long n = end - start + 1;
            lp.deleteRange(2 * start, 2 * n);
            return n;
        }
        return sl.deleteByRank(start + 1, end + 1);
    }

    public long removeRangeByScore(ZRange.Score r) {
        if (lp != null) {
            int e = lpFirstInRange(r);
            if (e < 0) return 0;
            long n = 0;
            int q = e;
            while (q >= 0) {
                int sp = lp.next(q);
                if (!r.lteMax(lpScore(sp))) break;
                n++;
                q = lp.next(sp);
            }
            lp.delete(e, (int) (2 * n));
            return n;
        }
        return sl.deleteByScore(r);
    }

    public long removeRangeByLex(ZRange.Lex r) {
        if (lp != null) {
            byte[] scratch = new byte[20];
            int e = lpFirstInLex(r, scratch);
            if (e < 0) return 0;
            long n = 0;
            int q = e;
            while (q >= 0 && lpLexLte(q, r, scratch)) {
                n++;
                q = lp.next(lp.next(q));
            }
            lp.delete(e, (int) (2 * n));
            return n;
        }
        return sl.deleteByLex(r);
    }

    // ------------------------------------------------------------------ random

    /** A uniformly random element (non-empty zset): visits it. */
    public void randomElement(Visitor v) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long i = rnd.nextLong(size());
        range(i, i, false, v);
    }

    // ------------------------------------------------------------------ conversions

    /** Converts a listpack to the skiplist encoding (no-op when already one). */
    public void convertToSkiplist() {
        if (lp == null) return;
        ZSkipList n = new ZSkipList();
        n.expand(lp.size() / 2);
        for (int e = lp.first(); e >= 0; ) {
            int sp = lp.next(e);
            n.insert(lpScore(sp), lp.get(e));
            e = lp.next(sp);
        }
        sl = n;
        lp = null;
    }

    /** Converts a skiplist to a listpack (no-op when already one). */
    public void convertToListpack() {
        if (sl == null) return;
        Listpack n = new Listpack();
        for (ZSkipList.Node x = sl.first(); x != null; x = x.next[0]) {
            n.append(x.ele);
            if (Strtod.isSafeLong(x.score)) n.append((long) x.score);
            else n.append(Strtod.d2string(x.score));
        }
        n.trim();
        lp = n;
        sl = null;
    }

    /**
     * zsetConvertToListpackIfNeeded: back to a listpack when size, the longest member and the
     * total member bytes are within the limits.
     */
    public void convertToListpackIfNeeded(long maxEntries, long maxValue, long maxElemLen, long totalElemLen) {
        if (lp != null) return;
        if (sl.length <= maxEntries && maxElemLen <= maxValue && totalElemLen <= LP_SAFETY) convertToListpack();
    }

    /** The same check computing the member lengths itself. */
    public void convertToListpackIfNeeded(long maxEntries, long maxValue) {
        if (lp != null || sl.length > maxEntries) return;
        long max = 0, tot = 0;
        for (ZSkipList.Node x = sl.first(); x != null; x = x.next[0]) {
            max = Math.max(max, x.ele.length);
            tot += x.ele.length;
        }
        convertToListpackIfNeeded(maxEntries, maxValue, max, tot);
    }

    /** Drops spare capacity of a listpack (after building one). */
    public void trim() {
        if (lp != null) lp.trim();
    }

    // ------------------------------------------------------------------ loading

    /** For loaders: a skiplist zset of the expected size. */
    public static ZSetValue newSkiplist(int expected) {
        ZSkipList s = new ZSkipList();
        s.expand(expected);
        return new ZSetValue(null, s);
    }

    /**
     * For loaders of a skiplist zset: inserts a member; false if it is already present (a
     * duplicate is corruption in an RDB file).
     */
    public boolean loadAdd(byte[] member, double score) {
        if (sl.find(member) != null) return false;
        sl.insert(score, member);
        return true;
    }

    @Override public long memoryEstimate() {
        if (lp != null) return 24 + 24 + MemoryUsage.array(lp.capacity());
        return 24 + sl.memoryEstimate();
    }
}
