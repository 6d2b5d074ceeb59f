package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.DANGEROUS;
import static io.vermilion.server.CommandSpec.Acl.LIST;
import static io.vermilion.server.CommandSpec.Acl.SET;
import static io.vermilion.server.CommandSpec.Acl.SORTEDSET;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec.KeyRef;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.Hash;
import io.vermilion.types.QuickList;
import io.vermilion.types.RedisSet;
import io.vermilion.types.Strings;
import io.vermilion.types.ZSetValue;
import io.vermilion.util.Numbers;
import io.vermilion.util.Strtod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO (Redis's sort.c) over lists, sets and sorted sets, with BY / GET patterns
 * (string keys and hash fields), LIMIT, ASC/DESC and ALPHA, in Redis 7.0's order of checks and
 * with its quirks: BY without '*' skips sorting ("nosort"), a set that would come out unsorted
 * is sorted ALPHA when STOREd, a sorted set is converted to a skiplist first, numeric ties are
 * broken by comparing the elements, and LIMIT is clamped exactly as Redis does. STORE writes the
 * result as a list (GET of a missing key stores an empty string) and deletes the destination
 * when the result is empty.
 */
public final class SortCommands {
    private SortCommands() {}

    static final String COMPLEXITY = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, "
            + "and M the number of returned elements. When the elements are not sorted, complexity is O(N).";
    static final String BY_GET_NOTES = "For the optional BY/GET keyword. It is marked 'unknown' because the key "
            + "names derive from the content of the key we sort";
    static final String STORE_NOTES = "For the optional STORE keyword. It is marked 'unknown' because the keyword "
            + "can appear anywhere in the argument array";

    public static void register(CommandTable t) {
        t.add(cmd("sort", -2).flags(WRITE, DENYOOM).acl(SET, SORTEDSET, LIST, DANGEROUS)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS", BY_GET_NOTES).unknown())
                .key(KeySpec.flags("OW UPDATE", STORE_NOTES).unknown())
                .keys(SortCommands::sortKeys)
                .doc("generic", "1.0.0", "Sort the elements in a list, set or sorted set", COMPLEXITY)
                .handler((c, argv) -> sort(c, argv, false)));
        t.add(cmd("sort_ro", -2).flags(READONLY).acl(SET, SORTEDSET, LIST, DANGEROUS)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS", BY_GET_NOTES).unknown())
                .keys(argv -> List.of(new KeyRef(1, List.of("RO", "ACCESS"))))
                .doc("generic", "7.0.0", "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", COMPLEXITY)
                .handler((c, argv) -> sort(c, argv, true)));
    }

    /** SORT's keys: the sorted key, and the key of the last STORE (Redis's sortGetKeys). */
    static List<KeyRef> sortKeys(byte[][] argv) {
        List<KeyRef> out = new ArrayList<>(2);
        out.add(new KeyRef(1, List.of("RO", "ACCESS")));
        int store = -1;
        for (int i = 2; i < argv.length; i++) {
            if (Args.is(argv[i], "limit")) {
                i += 2;
            } else if (Args.is(argv[i], "store") && i + 1 < argv.length) {
                store = i + 1;
            } else if (Args.is(argv[i], "get") || Args.is(argv[i], "by")) {
                i += 1;
            }
        }
        if (store > 0) out.add(new KeyRef(store, List.of("OW", "UPDATE")));
        return out;
    }

    /** One element being sorted: the element, its numeric weight, its ALPHA BY weight. */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) { this.obj = obj; }
    }

    static void sort(Client c, byte[][] argv, boolean readonly) {
        boolean desc = false, alpha = false, dontsort = false;
        long limitStart = 0, limitCount = -1;
        byte[] sortby = null, storekey = null;
        List<byte[]> gets = new ArrayList<>();
        boolean cluster = c.server().clusterEnabled();
        for (int j = 2; j < argv.length; j++) {
            int left = argv.length - j - 1;
            byte[] a = argv[j];
            if (Args.is(a, "asc")) {
                desc = false;
            } else if (Args.is(a, "desc")) {
                desc = true;
            } else if (Args.is(a, "alpha")) {
                alpha = true;
            } else if (Args.is(a, "limit") && left >= 2) {
                Long s = Args.longOrReply(c, argv[j + 1]);
                if (s == null) return;
                Long n = Args.longOrReply(c, argv[j + 2]);
                if (n == null) return;
                limitStart = s;
                limitCount = n;
                j += 2;
            } else if (!readonly && Args.is(a, "store") && left >= 1) {
                storekey = argv[++j];
            } else if (Args.is(a, "by") && left >= 1) {
                sortby = argv[++j];
                if (indexOfStar(sortby) < 0) {
                    dontsort = true;
                } else if (cluster) {
                    Args.error(c, "ERR BY option of SORT denied in Cluster mode.");
                    return;
                } else if (!fullKeyAccess(c, argv)) {
                    // A BY pattern reads arbitrary keys: only users who may read every key (Redis).
                    Args.error(c, "ERR BY option of SORT denied due to insufficient ACL permissions.");
                    return;
                }
            } else if (Args.is(a, "get") && left >= 1) {
                if (cluster) {
                    Args.error(c, "ERR GET option of SORT denied in Cluster mode.");
                    return;
                }
                if (!fullKeyAccess(c, argv)) {
                    Args.error(c, "ERR GET option of SORT denied due to insufficient ACL permissions.");
                    return;
                }
                gets.add(argv[++j]);
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }

        Object sortval = c.db().get(argv[1]);
        StringCommands.countHit(c, sortval);
        if (sortval != null && !(sortval instanceof RedisSet) && !(sortval instanceof ZSetValue)
                && !(sortval instanceof QuickList)) {
            Args.error(c, Errors.WRONGTYPE);
            return;
        }
        if (dontsort && sortval instanceof RedisSet && storekey != null) {
            // An unsorted set would store in hash-table order: sort it ALPHA instead.
            dontsort = false;
            alpha = true;
            sortby = null;
        }
        if (sortval instanceof ZSetValue z && z.isListpack()) z.convertToSkiplist();

        int vectorlen = sortval == null ? 0 : (int) ((io.vermilion.types.RedisValue) sortval).size();
        long start = Math.min(Math.max(limitStart, 0), vectorlen);
        limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
        long end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) end = vectorlen - 1;

        Item[] vector;
        if (sortval instanceof QuickList ql && dontsort) {
            // Native order (reversed by DESC), only the LIMIT range.
            int n = (int) Math.max(0, end - start + 1);
            vector = new Item[n];
            if (n > 0) {
                long first = desc ? ql.size() - start - 1 : start;
                ql.range(first, n, desc, collector(vector));
                end -= start;
                start = 0;
            }
        } else if (sortval instanceof QuickList ql) {
            vector = new Item[vectorlen];
            ql.range(0, vectorlen, false, collector(vector));
        } else if (sortval instanceof ZSetValue z && dontsort) {
            // Native order (reversed by DESC), only the LIMIT range.
            int n = (int) Math.max(0, end - start + 1);
            vector = new Item[n];
            if (n > 0) {
                int[] k = {0};
                z.range(start, end, desc, (b, off, len, score) -> vector[k[0]++] = new Item(Arrays.copyOfRange(b, off, off + len)));
            }
            end -= start;
            start = 0;
        } else if (sortval instanceof ZSetValue z) {
            vector = new Item[vectorlen];
            int[] k = {0};
            z.forEach(false, (b, off, len, score) -> vector[k[0]++] = new Item(Arrays.copyOfRange(b, off, off + len)));
        } else if (sortval instanceof RedisSet s) {
            vector = new Item[vectorlen];
            int[] k = {0};
            s.forEach(m -> vector[k[0]++] = new Item(m));
        } else {
            vector = new Item[0];
        }

        boolean conversionError = false;
        if (!dontsort) {
            Strtod.Result r = new Strtod.Result();
            for (Item it : vector) {
                byte[] byval;
                if (sortby != null) {
                    byval = lookupByPattern(c, sortby, it.obj);
                    if (byval == null) continue;
                } else {
                    byval = it.obj;
                }
                if (alpha) {
                    if (sortby != null) it.cmp = byval;
                } else {
                    it.score = Strtod.parse(byval, 0, byval.length, r);
                    if (r.end != cStringLength(byval) || r.range || Double.isNaN(it.score)) conversionError = true;
                }
            }
            Arrays.sort(vector, comparator(alpha, sortby != null, storekey != null, desc));
        }

        int outputlen = (int) (gets.isEmpty() ? end - start + 1 : gets.size() * (end - start + 1));
        if (conversionError) {
            Args.error(c, "ERR One or more scores can't be converted into double");
            return;
        }
        if (storekey == null) {
            c.reply().array(outputlen);
            for (long j = start; j <= end; j++) {
                Item it = vector[(int) j];
                if (gets.isEmpty()) c.reply().bulk(it.obj);
                for (byte[] g : gets) {
                    byte[] v = lookupByPattern(c, g, it.obj);
                    if (v == null) c.reply().nullBulk();
                    else c.reply().bulk(v);
                }
            }
            return;
        }
        QuickList result = new QuickList(c.server().config().getInt("list-max-listpack-size"));
        for (long j = start; j <= end; j++) {
            Item it = vector[(int) j];
            if (gets.isEmpty()) {
                result.pushTail(it.obj);
                continue;
            }
            for (byte[] g : gets) {
                byte[] v = lookupByPattern(c, g, it.obj);
                result.pushTail(v == null ? EMPTY : v);
            }
        }
        if (outputlen > 0) {
            c.db().put(storekey, result, false);
            c.server().addDirty(outputlen);
            c.server().notify(io.vermilion.pubsub.Events.LIST, "sortstore", storekey, c.dbIndex());
        } else if (c.db().delete(storekey)) {
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", storekey, c.dbIndex());
        }
        c.reply().integer(outputlen);
    }

    private static final byte[] EMPTY = new byte[0];

    /** Fills vector with list elements as byte strings, in visiting order. */
    private static QuickList.ElementVisitor collector(Item[] vector) {
        return new QuickList.ElementVisitor() {
            int k;

            @Override public void str(byte[] a, int off, int len) {
                vector[k++] = new Item(Arrays.copyOfRange(a, off, off + len));
            }

            @Override public void num(long v) {
                vector[k++] = new Item(Numbers.toBytes(v));
            }
        };
    }

    private static Comparator<Item> comparator(boolean alpha, boolean byPattern, boolean store, boolean desc) {
        Comparator<Item> cmp;
        if (!alpha) {
            cmp = (x, y) -> {
                int r = Double.compare(x.score, y.score);
                if (x.score == y.score) r = 0;   // -0.0 == 0.0 as in C
                return r != 0 ? r : compareBinary(x.obj, y.obj);
            };
        } else if (byPattern) {
            cmp = (x, y) -> {
                if (x.cmp == null || y.cmp == null) {
                    if (x.cmp == y.cmp) return 0;
                    return x.cmp == null ? -1 : 1;
                }
                return store ? compareBinary(x.cmp, y.cmp) : collate(x.cmp, y.cmp);
            };
        } else {
            cmp = (x, y) -> store ? compareBinary(x.obj, y.obj) : collate(x.obj, y.obj);
        }
        return desc ? (x, y) -> -Integer.signum(cmp.compare(x, y)) : cmp;
    }

    /** Redis's compareStringObjects on binary strings: memcmp of the common prefix, then length. */
    static int compareBinary(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** strcoll in the C locale: strcmp, so a string ends at its first NUL byte. */
    static int collate(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, 0, cStringLength(a), b, 0, cStringLength(b));
    }

    private static int cStringLength(byte[] s) {
        for (int i = 0; i < s.length; i++) if (s[i] == 0) return i;
        return s.length;
    }

    /** Index of the first '*' of a C string (it ends at a NUL byte), or -1. */
    private static int indexOfStar(byte[] p) {
        for (int i = 0; i < p.length && p[i] != 0; i++) if (p[i] == '*') return i;
        return -1;
    }

    /**
     * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced
     * by the element and the key read (a counted read lookup) as a string, or, with "->field"
     * after the '*', as a hash whose field is read. Null when there is no '*', no such key, or
     * the key has another type.
     */
    static byte[] lookupByPattern(Client c, byte[] pattern, byte[] subst) {
        if (pattern.length >= 1 && pattern[0] == '#' && (pattern.length == 1 || pattern[1] == 0)) return subst;
        int star = indexOfStar(pattern);
        if (star < 0) return null;
        int arrow = -1;
        for (int i = star + 1; i + 1 < pattern.length && pattern[i] != 0; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        byte[] field = null;
        if (arrow >= 0 && arrow + 2 < pattern.length && pattern[arrow + 2] != 0) {
            field = Arrays.copyOfRange(pattern, arrow + 2, pattern.length);
        } else {
            arrow = -1;
        }
        int postEnd = arrow >= 0 ? arrow : pattern.length;
        byte[] key = new byte[star + subst.length + (postEnd - star - 1)];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pattern, star + 1, key, star + subst.length, postEnd - star - 1);
        Object o = c.db().get(key);
        StringCommands.countHit(c, o);
        if (o == null) return null;
        if (field != null) {
            return o instanceof Hash h ? h.get(field) : null;
        }
        return Strings.isString(o) ? Strings.bytes(o) : null;
    }

    /** Whether the client's user may read every key with this command (ACL; SORT BY/GET patterns). */
    private static boolean fullKeyAccess(Client c, byte[][] argv) {
        var access = c.server().access();
        if (access == null) return true;
        if (c.isInternal()) {
            // Inside a script the caller's user decides, as in Redis; other internal clients are exempt.
            Client caller = io.vermilion.scripting.Scripting.of(c.server()).callerOf(c);
            if (caller == null || caller.isInternal() || caller.isMaster()) return true;
            c = caller;
        }
        var spec = c.server().commands().lookup(argv[0]);
        return spec == null || access.fullKeyAccess(c, spec, argv, false);
    }
}
