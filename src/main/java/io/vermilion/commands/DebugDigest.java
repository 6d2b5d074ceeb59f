package io.vermilion.commands;

import io.vermilion.keyspace.Db;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.types.Hash;
import io.vermilion.types.Listpack;
import io.vermilion.types.QuickList;
import io.vermilion.types.RedisSet;
import io.vermilion.types.Sds;
import io.vermilion.types.Stream;
import io.vermilion.types.ZSetValue;
import io.vermilion.util.Numbers;
import io.vermilion.util.Strtod;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE: a SHA1-based signature of the data set (or of single
 * values) that is equal to Redis 7.0's for the same data, so that two servers of either kind can
 * be compared in one command each (the replication interop test does).
 *
 * <p>The scheme (Redis's debug.c, described here in our words): two operations on a 20-byte
 * state, <i>xor</i> (state ^= SHA1(data): order-insensitive, for elements of sets, hashes and
 * the keys of a database) and <i>mix</i> (xor, then state = SHA1(state): order-sensitive, for
 * lists, stream entries and the parts of one element). A value's digest mixes its type number
 * (Redis's OBJ_* code as a 4-byte big-endian integer) and then its content:
 * <ul>
 *   <li>string: mix of its bytes (an integer-encoded string as its decimal text);</li>
 *   <li>list: mix of every element from head to tail;</li>
 *   <li>set: xor of every member;</li>
 *   <li>sorted set: xor, per element, of a fresh state into which the member and then the
 *       score formatted as {@code %.17g} were mixed;</li>
 *   <li>hash: xor, per field, of a fresh state into which the field and then the value were mixed;</li>
 *   <li>stream: for every live entry in ID order, mix of "ms.seq" and then of each field and
 *       value (consumer groups and stream metadata are not part of it).</li>
 * </ul>
 * A key with a TTL then gets SHA1("!!expire!!") xored in (whether it has one, not its time). The
 * data set digest starts from zeros and, per non-empty database in order, mixes the database
 * number (4 bytes big-endian), then xors, per key, a fresh state into which the key was mixed
 * followed by the value's digest as above. Logically expired keys that are still stored count
 * (Redis walks the dictionaries), and nothing here deletes or touches a key.
 */
final class DebugDigest {
    // Redis's OBJ_* type numbers, which enter the digest.
    private static final int OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_STREAM = 6;
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha;
    private final byte[] hash = new byte[20];
    private final byte[] word = new byte[4];
    private final byte[] digits = new byte[20];

    DebugDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    /** DEBUG DIGEST: the signature of every database, 40 hex digits (all zeros when empty). */
    static String dataset(Keyspace ks) {
        DebugDigest d = new DebugDigest();
        byte[] fin = new byte[20];
        byte[] kv = new byte[20];
        for (int j = 0; j < ks.databases(); j++) {
            Db db = ks.db(j);
            if (db.size() == 0) continue;
            d.mixInt(fin, j);
            db.forEachStored((key, value, expireAt) -> {
                java.util.Arrays.fill(kv, (byte) 0);
                d.mix(kv, key, 0, key.length);
                d.value(kv, value, expireAt != Db.NO_EXPIRE);
                d.xor(fin, kv, 0, 20);
            });
        }
        return hex(fin);
    }

    /** DEBUG DIGEST-VALUE of one key: its value's signature, 40 zeros if the key is not stored. */
    static String value(Db db, byte[] key) {
        DebugDigest d = new DebugDigest();
        byte[] out = new byte[20];
        db.stored(key, (k, value, expireAt) -> d.value(out, value, expireAt != Db.NO_EXPIRE));
        return hex(out);
    }

    // ------------------------------------------------------------------ per value

    private void value(byte[] state, Object v, boolean hasTtl) {
        if (v instanceof byte[] b) {
            mixInt(state, OBJ_STRING);
            mix(state, b, 0, b.length);
        } else if (v instanceof Sds s) {
            mixInt(state, OBJ_STRING);
            byte[] b = s.toBytes();
            mix(state, b, 0, b.length);
        } else if (v instanceof QuickList ql) {
            mixInt(state, OBJ_LIST);
            ql.range(0, ql.size(), false, new QuickList.ElementVisitor() {
                @Override public void str(byte[] a, int off, int len) { mix(state, a, off, len); }
                @Override public void num(long x) { mixLong(state, x); }
            });
        } else if (v instanceof RedisSet set) {
            mixInt(state, OBJ_SET);
            set.forEach(m -> xor(state, m, 0, m.length));
        } else if (v instanceof ZSetValue z) {
            mixInt(state, OBJ_ZSET);
            byte[] ele = new byte[20];
            z.forEach(false, (b, off, len, score) -> {
                java.util.Arrays.fill(ele, (byte) 0);
                mix(ele, b, off, len);
                byte[] s = Strtod.g17(score);
                mix(ele, s, 0, s.length);
                xor(state, ele, 0, 20);
            });
        } else if (v instanceof Hash h) {
            mixInt(state, OBJ_HASH);
            byte[] ele = new byte[20];
            for (int f = h.firstField(); f >= 0; f = h.nextField(f)) {
                java.util.Arrays.fill(ele, (byte) 0);
                hashElement(ele, h, f);
                hashElement(ele, h, h.valueOf(f));
                xor(state, ele, 0, 20);
            }
        } else if (v instanceof Stream st) {
            mixInt(state, OBJ_STREAM);
            Stream.Iter it = st.iterator(null, null, false);
            while (it.next()) {
                byte[] id = (Long.toUnsignedString(it.ms) + "." + Long.toUnsignedString(it.seq))
                        .getBytes(StandardCharsets.US_ASCII);
                mix(state, id, 0, id.length);
                for (long i = 0; i < it.numFields; i++) {
                    it.nextField();
                    listpackEntry(state, it.lp, it.fieldPos);
                    listpackEntry(state, it.lp, it.valuePos);
                }
            }
        } else {
            throw new IllegalArgumentException("no digest for " + (v == null ? "null" : v.getClass().getName()));
        }
        if (hasTtl) xor(state, EXPIRE_MARK, 0, EXPIRE_MARK.length);
    }

    private void hashElement(byte[] state, Hash h, int e) {
        if (h.isInt(e)) mixLong(state, h.intAt(e));
        else mix(state, h.array(e), h.start(e), h.len(e));
    }

    private void listpackEntry(byte[] state, Listpack lp, int p) {
        if (lp.isInt(p)) mixLong(state, lp.getInt(p));
        else mix(state, lp.array(), lp.strStart(p), lp.strLen(p));
    }

    // ------------------------------------------------------------------ the two operations

    /** state ^= SHA1(b[off, off+len)). */
    private void xor(byte[] state, byte[] b, int off, int len) {
        sha.update(b, off, len);
        finish(hash);
        for (int j = 0; j < 20; j++) state[j] ^= hash[j];
    }

    /** state = SHA1(state ^ SHA1(b[off, off+len))). */
    private void mix(byte[] state, byte[] b, int off, int len) {
        xor(state, b, off, len);
        sha.update(state, 0, 20);
        finish(state);
    }

    private void mixInt(byte[] state, int x) {
        word[0] = (byte) (x >>> 24);
        word[1] = (byte) (x >>> 16);
        word[2] = (byte) (x >>> 8);
        word[3] = (byte) x;
        mix(state, word, 0, 4);
    }

    /** Mix of an integer element's decimal text (how Redis decodes an integer-encoded entry). */
    private void mixLong(byte[] state, long x) {
        int n = Numbers.digits(x);
        Numbers.writeDigits(x, digits, 0, n);
        mix(state, digits, 0, n);
    }

    private void finish(byte[] into) {
        try {
            sha.digest(into, 0, 20);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder(40);
        for (byte b : d) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
