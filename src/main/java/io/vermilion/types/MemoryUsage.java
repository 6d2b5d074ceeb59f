package io.vermilion.types;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Estimates of the heap bytes a value holds, as the JVM lays it out (compressed oops: 12-byte
 * object headers, 16-byte array headers, 4-byte references, 8-byte alignment). Used by the
 * keyspace's incremental used-memory accounting (INFO used_memory, maxmemory) and MEMORY USAGE.
 *
 * <p>Big collections are not walked: like Redis's objectComputeSize, a few elements are sampled
 * and their average size multiplied by the element count, so an estimate costs O(samples)
 * whatever the size of the value. See docs/memory.md.
 */
public final class MemoryUsage {
    private MemoryUsage() {}

    /** Elements sampled per collection (Redis's MEMORY USAGE default SAMPLES 5). */
    static final int SAMPLES = 5;

    /** Heap bytes of a byte[] of length n. */
    public static long array(long n) {
        return align(16 + n);
    }

    /** Heap bytes of an array of n references. */
    public static long refs(long n) {
        return align(16 + 4 * n);
    }

    static long align(long n) {
        return (n + 7) & ~7L;
    }

    /** The heap bytes of a stored value: a string (byte[] or Sds) or a {@link RedisValue}. */
    public static long of(Object v) {
        if (v instanceof byte[] b) return array(b.length);
        if (v instanceof Sds s) return 24 + array(s.buf.length);
        if (v instanceof RedisValue r) return r.memoryEstimate();
        return 16;
    }

    static ThreadLocalRandom rnd() {
        return ThreadLocalRandom.current();
    }

    /** Average heap bytes of the non-null arrays found at up to SAMPLES random slots (and its values). */
    static long sampledPairBytes(byte[][] keys, byte[][] vals, int size) {
        if (size == 0) return 0;
        int cap = keys.length;
        long sum = 0;
        int found = 0;
        int start = rnd().nextInt(cap);
        for (int j = 0; j < cap && found < SAMPLES; j++) {
            int i = (start + j) & (cap - 1);
            byte[] k = keys[i];
            if (k == null) continue;
            sum += array(k.length);
            if (vals != null && vals[i] != null) sum += array(vals[i].length);
            found++;
        }
        return found == 0 ? 0 : sum / found;
    }
}
