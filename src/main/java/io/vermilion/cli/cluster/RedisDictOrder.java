package io.vermilion.cli.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The order in which redis-cli lists open slots. redis-cli collects them in one of its hash tables
 * (string keys, SipHash-1-2 with an all-zero seed, chained buckets, power-of-two sizes growing from
 * 4 with incremental rehashing) and prints them in table order, so "The following slots are open:
 * 7,12539,3" is neither insertion nor numeric order. To print the same line we replay the inserts
 * on a small model of that table: bucket index = hash & (size - 1), new entries at the head of
 * their bucket, growth to the next power of two when the table is full, one bucket moved per
 * insert while rehashing, iteration over the old table then the new one.
 */
final class RedisDictOrder {
    private RedisDictOrder() {}

    private static final class Entry {
        final String key;
        final long hash;
        Entry next;

        Entry(String key, long hash) {
            this.key = key;
            this.hash = hash;
        }
    }

    private static final class Dict {
        Entry[][] table = new Entry[2][];
        int[] used = new int[2];
        int rehashIdx = -1;

        boolean rehashing() {
            return rehashIdx != -1;
        }

        void replace(String key) {
            if (rehashing()) rehashStep();
            long h = hash(key);
            expandIfNeeded();
            int idx = 0;
            for (int t = 0; t <= 1; t++) {
                idx = (int) (h & (table[t].length - 1));
                for (Entry e = table[t][idx]; e != null; e = e.next) if (e.key.equals(key)) return;
                if (!rehashing()) break;
            }
            int t = rehashing() ? 1 : 0;
            Entry e = new Entry(key, h);
            e.next = table[t][idx];
            table[t][idx] = e;
            used[t]++;
        }

        void expandIfNeeded() {
            if (rehashing()) return;
            if (table[0] == null) {
                table[0] = new Entry[4];
                return;
            }
            if (used[0] >= table[0].length) expand(used[0] + 1);
        }

        void expand(int size) {
            int n = 4;
            while (n < size) n <<= 1;
            if (n == table[0].length) return;
            table[1] = new Entry[n];
            used[1] = 0;
            rehashIdx = 0;
        }

        void rehashStep() {
            int emptyVisits = 10;
            if (used[0] != 0) {
                while (table[0][rehashIdx] == null) {
                    rehashIdx++;
                    if (--emptyVisits == 0) return;
                }
                Entry e = table[0][rehashIdx];
                while (e != null) {
                    Entry next = e.next;
                    int h = (int) (e.hash & (table[1].length - 1));
                    e.next = table[1][h];
                    table[1][h] = e;
                    used[0]--;
                    used[1]++;
                    e = next;
                }
                table[0][rehashIdx] = null;
                rehashIdx++;
            }
            if (used[0] == 0) {
                table[0] = table[1];
                used[0] = used[1];
                table[1] = null;
                used[1] = 0;
                rehashIdx = -1;
            }
        }

        List<String> iterate() {
            List<String> out = new ArrayList<>();
            for (int t = 0; t <= (rehashing() ? 1 : 0); t++) {
                if (table[t] == null) continue;
                for (Entry head : table[t]) for (Entry e = head; e != null; e = e.next) out.add(e.key);
            }
            return out;
        }
    }

    /** The keys in the order redis-cli's dict iterates them after inserting them in the given order. */
    static List<String> keys(Collection<String> insertionOrder) {
        Dict d = new Dict();
        for (String k : insertionOrder) d.replace(k);
        return d.iterate();
    }

    /** SipHash-1-2 of the key's bytes with a zero key, as redis-cli's dictSdsHash. */
    static long hash(String key) {
        byte[] in = key.getBytes(StandardCharsets.UTF_8);
        long v0 = 0x736f6d6570736575L, v1 = 0x646f72616e646f6dL, v2 = 0x6c7967656e657261L, v3 = 0x7465646279746573L;
        int blocks = in.length / 8;
        for (int i = 0; i < blocks; i++) {
            long m = 0;
            for (int b = 7; b >= 0; b--) m = (m << 8) | (in[i * 8 + b] & 0xffL);
            v3 ^= m;
            // one compression round
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        long last = ((long) in.length) << 56;
        for (int b = in.length - 1; b >= blocks * 8; b--) last |= (in[b] & 0xffL) << (8 * (b - blocks * 8));
        v3 ^= last;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= last;
        v2 ^= 0xff;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
