package io.vermilion.types;

import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A set value (TYPE "set"), in one of Redis 7.0's two encodings:
 * <ul>
 *   <li>"intset": while every member is a canonical decimal integer (Redis's string2ll) and
 *       there are at most {@code set-max-intset-entries} of them: an {@link Intset} blob, exactly
 *       Redis's bytes (a DUMP is a copy of it).</li>
 *   <li>"hashtable": otherwise, a {@link BytesSet}. Redis never converts back to an intset
 *       (except that SPOP with a count may rebuild the set, see the command).</li>
 * </ul>
 * The one field holds either representation, so a set costs one small object plus its data.
 */
public final class RedisSet implements RedisValue {
    /** A byte[] intset blob or a BytesSet. */
    private Object data;

    private RedisSet(Object data) {
        this.data = data;
    }

    /** An empty intset-encoded set (Redis's createIntsetObject); never stored while empty. */
    public static RedisSet emptyIntset() {
        return new RedisSet(Intset.empty());
    }

    /** An empty set in the encoding a set that will hold {@code firstMember} starts with (setTypeCreate). */
    public static RedisSet forMember(byte[] firstMember) {
        return Numbers.parseLong(firstMember, new long[1]) ? emptyIntset() : new RedisSet(new BytesSet());
    }

    /** A set over a valid intset blob (kept as is). */
    public static RedisSet ofIntset(byte[] blob) {
        return new RedisSet(blob);
    }

    /** A set over a hash table of members. */
    public static RedisSet ofHashtable(BytesSet members) {
        return new RedisSet(members);
    }

    public boolean isIntset() { return data instanceof byte[]; }

    /** The intset blob (only while {@link #isIntset}); not to be changed. */
    public byte[] intset() { return (byte[]) data; }

    /** The hash table (only while not {@link #isIntset}). */
    public BytesSet hashtable() { return (BytesSet) data; }

    /** Redis caps set-max-intset-entries at 2^30 because of intset internals. */
    public static long intsetLimit(long configured) {
        return Math.min(configured, 1L << 30);
    }

    /**
     * Adds member (kept by reference when it goes to the hash table). Converts an intset to a
     * hash table when member is no integer or the intset would exceed maxIntsetEntries, as
     * Redis's setTypeAdd. Returns false if it was already a member.
     */
    public boolean add(byte[] member, long maxIntsetEntries) {
        if (data instanceof byte[] is) {
            long[] v = new long[1];
            if (Numbers.parseLong(member, v)) {
                byte[] n = Intset.add(is, v[0]);
                if (n == is) return false;
                data = n;
                if (Intset.length(n) > intsetLimit(maxIntsetEntries)) convertToHashtable();
                return true;
            }
            convertToHashtable();
            hashtable().add(member);
            return true;
        }
        return ((BytesSet) data).add(member);
    }

    /**
     * Adds argv[from..to) as SADD does, returning how many were new. While this is an intset and
     * every argument is an integer, the intset is rebuilt once instead of once per member; the
     * result (members and encoding) is what adding them one by one gives.
     */
    public int addAll(byte[][] argv, int from, int to, long maxIntsetEntries) {
        if (data instanceof byte[] is && to - from > 1) {
            long[] v = new long[to - from];
            long[] one = new long[1];
            int n = 0;
            for (int j = from; j < to; j++) {
                if (!Numbers.parseLong(argv[j], one)) { n = -1; break; }
                v[n++] = one[0];
            }
            if (n > 0) {
                java.util.Arrays.sort(v, 0, n);
                int d = 0;
                for (int i = 0; i < n; i++) if (d == 0 || v[d - 1] != v[i]) v[d++] = v[i];
                byte[] merged = Intset.addAll(is, v, d);
                int added = Intset.length(merged) - Intset.length(is);
                data = merged;
                if (Intset.length(merged) > intsetLimit(maxIntsetEntries)) convertToHashtable();
                return added;
            }
        }
        int added = 0;
        for (int j = from; j < to; j++) if (add(argv[j], maxIntsetEntries)) added++;
        return added;
    }

    /** As {@link #add} for an integer member (avoids formatting it for an intset). */
    public boolean addLong(long v, long maxIntsetEntries) {
        if (data instanceof byte[] is) {
            byte[] n = Intset.add(is, v);
            if (n == is) return false;
            data = n;
            if (Intset.length(n) > intsetLimit(maxIntsetEntries)) convertToHashtable();
            return true;
        }
        return ((BytesSet) data).add(Numbers.toBytes(v));
    }

    public boolean remove(byte[] member) {
        if (data instanceof byte[] is) {
            long[] v = new long[1];
            if (!Numbers.parseLong(member, v)) return false;
            byte[] n = Intset.remove(is, v[0]);
            if (n == is) return false;
            data = n;
            return true;
        }
        return ((BytesSet) data).remove(member);
    }

    public boolean contains(byte[] member) {
        if (data instanceof byte[] is) {
            long[] v = new long[1];
            return Numbers.parseLong(member, v) && Intset.contains(is, v[0]);
        }
        return ((BytesSet) data).contains(member);
    }

    /** Membership of an integer member. */
    public boolean containsLong(long v) {
        if (data instanceof byte[] is) return Intset.contains(is, v);
        return ((BytesSet) data).contains(Numbers.toBytes(v));
    }

    /** Redis's setTypeConvert(OBJ_ENCODING_HT): a table presized for the members. */
    public void convertToHashtable() {
        if (!(data instanceof byte[] is)) return;
        int n = Intset.length(is);
        BytesSet t = new BytesSet(n);
        for (int i = 0; i < n; i++) t.add(Numbers.toBytes(Intset.get(is, i)));
        data = t;
    }

    /** A uniformly chosen member (as bytes); the set must not be empty. */
    public byte[] random(Random rnd) {
        if (data instanceof byte[] is) return Numbers.toBytes(Intset.get(is, rnd.nextInt(Intset.length(is))));
        return ((BytesSet) data).random(rnd);
    }

    /** Every member as bytes, in encoding order (ascending for an intset). */
    public void forEach(Consumer<byte[]> f) {
        if (data instanceof byte[] is) {
            int n = Intset.length(is);
            for (int i = 0; i < n; i++) f.accept(Numbers.toBytes(Intset.get(is, i)));
        } else {
            ((BytesSet) data).forEach(f);
        }
    }

    @Override public String typeName() { return "set"; }

    @Override public String encoding() { return data instanceof byte[] ? "intset" : "hashtable"; }

    @Override public RedisSet copy() {
        return new RedisSet(data instanceof byte[] is ? is.clone() : ((BytesSet) data).copy());
    }

    @Override public long size() {
        return data instanceof byte[] is ? Intset.length(is) : ((BytesSet) data).size();
    }

    private static final byte[] SADD = "SADD".getBytes(StandardCharsets.US_ASCII);

    /** SADD key m1 ... m64 batches, as Redis's rewriteSetObject. */
    @Override public void rewrite(byte[] key, Consumer<byte[][]> out) {
        long total = size();
        byte[][][] cmd = {null};
        int[] fill = {0};
        long[] left = {total};
        forEach(m -> {
            if (cmd[0] == null) {
                int n = (int) Math.min(REWRITE_ITEMS_PER_CMD, left[0]);
                cmd[0] = new byte[2 + n][];
                cmd[0][0] = SADD;
                cmd[0][1] = key;
                fill[0] = 2;
            }
            cmd[0][fill[0]++] = m;
            left[0]--;
            if (fill[0] == cmd[0].length) {
                out.accept(cmd[0]);
                cmd[0] = null;
            }
        });
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("RedisSet[").append(encoding()).append(':');
        forEach(m -> sb.append(' ').append(new String(m, StandardCharsets.ISO_8859_1)));
        return sb.append(']').toString();
    }

    @Override public long memoryEstimate() {
        return 16 + (data instanceof byte[] is ? MemoryUsage.array(is.length) : ((BytesSet) data).memoryEstimate());
    }
}
