package io.vermilion.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small mutational fuzzer driven by JUnit: structured random input from a fixed seed, over a
 * corpus seeded from real Redis files and traffic (src/test/resources/fuzz, made by its
 * generate.py). Coverage is not measured; as a cheap stand-in for it, an input that makes the
 * target behave in a way not seen before (accepted, or rejected with a new error text) joins the
 * corpus, so mutations build on inputs that reach further into the format.
 *
 * <p>The property checked for every input:
 * <ul>
 *   <li>the target either accepts it or throws one of its component's own error types; any other
 *       exception or error (NullPointerException, IndexOutOfBounds, OutOfMemoryError,
 *       StackOverflowError, ...) is a crash;</li>
 *   <li>no unbounded allocation: the bytes allocated while handling one input (measured per thread)
 *       stay below {@code 64 MB + 512 x input length}, so a declared length of 2^40 cannot make the
 *       component allocate it;</li>
 *   <li>no hang: one input takes at most {@code fuzz.inputMillis} (default 5000 ms) of CPU time.</li>
 * </ul>
 * A failing input is written to {@code target/fuzz-failures/<target>/} and reported in hex.
 *
 * <p>Budget: {@code fuzz.seconds} seconds per target (default {@value #DEFAULT_SECONDS}; CI runs the
 * default). {@code fuzz.seed} changes the random sequence (default 1: CI is deterministic up to the
 * number of inputs the time allows). Long run: {@code mvn -B -ntp test -Dtest='FuzzTest'
 * -Dfuzz.seconds=600 -Dfuzz.seed=$RANDOM}.
 */
final class Fuzzer {
    static final double DEFAULT_SECONDS = 3.5;
    private static final int MAX_CORPUS = 4000;
    private static final int MAX_INPUT = 256 * 1024;
    private static final long ALLOC_BASE = 64L << 20;
    private static final long ALLOC_PER_BYTE = 512;

    /** The code under test: must return, or throw only the component's own error types. */
    interface Target {
        void run(byte[] input) throws Throwable;
    }

    /** What one target's run did. */
    record Result(String name, long inputs, long accepted, long rejected, int corpus, long seed) {
        @Override public String toString() {
            return String.format("fuzz %s: %,d inputs (%,d accepted, %,d rejected with the component's error), "
                    + "corpus %d, seed %d, 0 crashes", name, inputs, accepted, rejected, corpus, seed);
        }
    }

    private static final byte[][] DECIMALS = ascii("-1", "0", "1", "2147483647", "2147483648", "4294967296",
            "1099511627776", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "18446744073709551616", "536870912", "536870913", "65536", "16384", "16383", "1e400", "nan", "-0", "");
    private static final long[] INTS = {0, 1, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
            0x7fffffffL, 0x80000000L, 0xffffffffL, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 16384, 2256, 2048};
    private static final byte[] SPECIAL = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0xc3,
            '\r', '\n', '$', '*', ':', '+', '-', '%', '~', '=', '!', ',', '(', '_', '#', '|', '>', ' ', '"', '\'',
            '\\', '0', '9', '?', ';', '.'};

    private final String name;
    private final Target target;
    private final Set<Class<? extends Throwable>> allowed;
    private final List<byte[]> corpus = new ArrayList<>();
    private final Set<String> behaviours = new HashSet<>();
    private final byte[][] dictionary;

    @SafeVarargs
    Fuzzer(String name, List<byte[]> seeds, byte[][] dictionary, Target target, Class<? extends Throwable>... allowed) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("no seeds for " + name);
        this.name = name;
        this.target = target;
        this.allowed = Set.of(allowed);
        this.corpus.addAll(seeds);
        this.dictionary = dictionary == null ? new byte[0][] : dictionary;
    }

    static double seconds() {
        return Double.parseDouble(System.getProperty("fuzz.seconds", Double.toString(DEFAULT_SECONDS)));
    }

    static long seed() {
        return Long.parseLong(System.getProperty("fuzz.seed", "1"));
    }

    /** Every file under src/test/resources/fuzz/{dir} (the committed corpus). */
    static List<byte[]> seeds(String... dirs) {
        List<byte[]> out = new ArrayList<>();
        for (String d : dirs) {
            Path p = Path.of("src", "test", "resources", "fuzz", d);
            try (Stream<Path> s = Files.list(p)) {
                for (Path f : s.sorted().toList()) out.add(Files.readAllBytes(f));
            } catch (IOException e) {
                throw new UncheckedIOException("corpus " + p, e);
            }
        }
        return out;
    }

    static byte[][] ascii(String... s) {
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) out[i] = s[i].getBytes(StandardCharsets.ISO_8859_1);
        return out;
    }

    /** Runs the seeds as they are, then mutations until the time budget is spent. */
    Result run() throws Exception {
        long seed = seed() * 31 + name.hashCode();
        long budgetNanos = (long) (seconds() * 1e9);
        long inputMillis = Long.getLong("fuzz.inputMillis", 5000);
        Counters counters = new Counters();
        Throwable[] failure = new Throwable[1];
        byte[][] current = new byte[1][];
        long[] startedAt = {-1};
        int corpusSeeds = corpus.size();
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread worker = new Thread(() -> {
            Random rnd = new Random(seed);
            long end = System.nanoTime() + budgetNanos;
            try {
                int seeds = corpus.size();
                for (int i = 0; i < seeds; i++) one(corpus.get(i), counters, current, startedAt);
                while (System.nanoTime() < end) {
                    for (int k = 0; k < 64; k++) one(mutate(rnd), counters, current, startedAt);
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "fuzz-" + name);
        worker.setDaemon(true);
        worker.start();
        while (worker.isAlive()) {
            worker.join(100);
            long s;
            synchronized (startedAt) {
                s = startedAt[0];
            }
            // CPU time of the worker, not wall time: a loaded machine (or class loading at the first
            // input) does not make a hang, a loop does. The seeds, run first, get a longer bound.
            long limit = TimeUnit.MILLISECONDS.toNanos(counters.inputs < corpusSeeds ? 6 * inputMillis : inputMillis);
            if (s >= 0 && mx.getThreadCpuTime(worker.getId()) - s > limit) {
                StackTraceElement[] st = worker.getStackTrace();
                byte[] in = current[0];
                worker.interrupt();
                AssertionError e = new AssertionError(name + ": an input took over " + limit / 1_000_000 + " ms of CPU (hang); "
                        + report(in) + "\nworker stack:\n" + stack(st));
                throw e;
            }
        }
        if (failure[0] != null) {
            if (failure[0] instanceof Crash c) throw new AssertionError(name + ": " + c.getMessage(), c.getCause());
            throw new AssertionError(name + ": fuzzer failed", failure[0]);
        }
        return new Result(name, counters.inputs, counters.accepted, counters.rejected, corpus.size(), seed());
    }

    private static final class Counters {
        volatile long inputs;
        long accepted, rejected;
    }

    /** A property violation, carrying the input in its message. */
    private static final class Crash extends Exception {
        Crash(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void one(byte[] in, Counters n, byte[][] current, long[] startedAt) throws Crash {
        current[0] = in;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        synchronized (startedAt) {
            startedAt[0] = mx.getCurrentThreadCpuTime();
        }
        String behaviour;
        try {
            target.run(in);
            n.accepted++;
            behaviour = "ok";
        } catch (Throwable t) {
            if (!isAllowed(t)) throw new Crash("crash: " + t + "; " + report(in), t);
            n.rejected++;
            String m = String.valueOf(t.getMessage());
            // The message without numbers: "at offset 17" and "at offset 18" are the same behaviour.
            String norm = m.replaceAll("[0-9a-fA-F]{6,}|[0-9]+", "#");
            behaviour = t.getClass().getSimpleName() + ":" + norm.substring(0, Math.min(norm.length(), 60));
        } finally {
            synchronized (startedAt) {
                startedAt[0] = -1;
            }
        }
        n.inputs++;
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        if (allocated > ALLOC_BASE + ALLOC_PER_BYTE * in.length) {
            throw new Crash(String.format("unbounded allocation: %,d bytes for an input of %,d; %s", allocated, in.length,
                    report(in)), null);
        }
        if (behaviours.size() < 100_000 && behaviours.add(behaviour) && corpus.size() < MAX_CORPUS) corpus.add(in);
    }

    private boolean isAllowed(Throwable t) {
        for (Class<? extends Throwable> c : allowed) if (c.isInstance(t)) return true;
        return false;
    }

    private String report(byte[] in) {
        String file = "(not saved)";
        try {
            Path dir = Path.of("target", "fuzz-failures", name);
            Files.createDirectories(dir);
            Path f = dir.resolve(Integer.toHexString(java.util.Arrays.hashCode(in)) + ".bin");
            Files.write(f, in);
            file = f.toString();
        } catch (IOException ignored) {
            // reporting only
        }
        String hex = in.length <= 2048 ? HexFormat.of().formatHex(in) : HexFormat.of().formatHex(in, 0, 2048) + "...";
        return "input (" + in.length + " bytes, saved as " + file + "): " + hex;
    }

    private static String stack(StackTraceElement[] st) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : st) sb.append("  at ").append(e).append('\n');
        return sb.toString();
    }

    // ================================================================== mutations

    private byte[] mutate(Random rnd) {
        byte[] b = corpus.get(rnd.nextInt(corpus.size())).clone();
        int n = 1 + rnd.nextInt(rnd.nextInt(8) + 1);
        for (int i = 0; i < n; i++) b = mutateOnce(b, rnd);
        return b.length > MAX_INPUT ? java.util.Arrays.copyOf(b, MAX_INPUT) : b;
    }

    private byte[] mutateOnce(byte[] b, Random rnd) {
        int len = b.length;
        switch (rnd.nextInt(12)) {
            case 0: // flip a bit
                if (len > 0) b[rnd.nextInt(len)] ^= (byte) (1 << rnd.nextInt(8));
                return b;
            case 1: // a special byte
                if (len > 0) b[rnd.nextInt(len)] = SPECIAL[rnd.nextInt(SPECIAL.length)];
                return b;
            case 2: { // an interesting integer, 1/2/4/8 bytes, either endianness
                if (len == 0) return b;
                int w = 1 << rnd.nextInt(4);
                int at = rnd.nextInt(len);
                long v = INTS[rnd.nextInt(INTS.length)];
                if (rnd.nextInt(4) == 0) v += rnd.nextInt(5) - 2;
                boolean big = rnd.nextBoolean();
                for (int i = 0; i < w && at + i < len; i++) {
                    int shift = big ? 8 * (w - 1 - i) : 8 * i;
                    b[at + i] = (byte) (v >>> shift);
                }
                return b;
            }
            case 3: { // delete a range
                if (len == 0) return b;
                int at = rnd.nextInt(len);
                int n = 1 + rnd.nextInt(Math.min(len - at, 1 + rnd.nextInt(64)));
                return splice(b, at, n, new byte[0]);
            }
            case 4: { // duplicate a range of itself
                if (len == 0) return b;
                int at = rnd.nextInt(len);
                int n = 1 + rnd.nextInt(Math.min(len - at, 1 + rnd.nextInt(256)));
                return splice(b, rnd.nextInt(len + 1), 0, java.util.Arrays.copyOfRange(b, at, at + n));
            }
            case 5: { // splice in a piece of another corpus entry
                byte[] o = corpus.get(rnd.nextInt(corpus.size()));
                if (o.length == 0) return b;
                int at = rnd.nextInt(o.length);
                int n = 1 + rnd.nextInt(Math.min(o.length - at, 1 + rnd.nextInt(512)));
                int where = rnd.nextInt(len + 1);
                int replace = rnd.nextBoolean() ? 0 : Math.min(len - where, n);
                return splice(b, where, replace, java.util.Arrays.copyOfRange(o, at, at + n));
            }
            case 6: // truncate
                return len == 0 ? b : java.util.Arrays.copyOf(b, rnd.nextInt(len));
            case 7: { // replace a decimal number with an interesting one
                int at = findDigit(b, rnd.nextInt(len + 1));
                if (at < 0) return b;
                int e = at;
                while (e < len && (b[e] >= '0' && b[e] <= '9')) e++;
                if (at > 0 && b[at - 1] == '-') at--;
                return splice(b, at, e - at, DECIMALS[rnd.nextInt(DECIMALS.length)]);
            }
            case 8: { // random bytes
                byte[] r = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(r);
                return splice(b, rnd.nextInt(len + 1), 0, r);
            }
            case 9: { // a dictionary word of the format
                if (dictionary.length == 0) return b;
                byte[] w = dictionary[rnd.nextInt(dictionary.length)];
                int where = rnd.nextInt(len + 1);
                int replace = rnd.nextBoolean() ? 0 : Math.min(len - where, w.length);
                return splice(b, where, replace, w);
            }
            case 10: { // swap two bytes
                if (len < 2) return b;
                int i = rnd.nextInt(len), j = rnd.nextInt(len);
                byte t = b[i];
                b[i] = b[j];
                b[j] = t;
                return b;
            }
            default: { // add or subtract a small amount to a byte
                if (len > 0) b[rnd.nextInt(len)] += (byte) (rnd.nextInt(33) - 16);
                return b;
            }
        }
    }

    private static int findDigit(byte[] b, int from) {
        for (int k = 0; k < b.length; k++) {
            int i = (from + k) % b.length;
            if (b[i] >= '0' && b[i] <= '9') {
                while (i > 0 && b[i - 1] >= '0' && b[i - 1] <= '9') i--;
                return i;
            }
        }
        return -1;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
