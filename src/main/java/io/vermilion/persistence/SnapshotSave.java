package io.vermilion.persistence;

import io.vermilion.keyspace.Keyspace;
import io.vermilion.keyspace.Snapshot;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.persistence.rdb.RdbWriter;
import io.vermilion.persistence.rdb.ValueCodec;
import io.vermilion.server.Server;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes a point-in-time RDB image of the keyspace to any {@link RdbSink}: the engine behind SAVE,
 * BGSAVE, the AOF rewrite's RDB preamble and (later) replication full sync.
 *
 * <p>Background mode splits the work like a fork would, without forking: the command thread
 * captures the {@link Snapshot} a few slots at a time (each slice bounded to about a millisecond,
 * then yielding to network I/O) and hands batches of immutable (key, value, expiry) references
 * through a small bounded queue to a writer thread, which does the expensive part — encoding,
 * LZF, CRC, disk or socket I/O. When the writer falls behind, capture pauses; writes that arrive
 * meanwhile are handled by the snapshot's copy-on-write. Memory in flight is bounded by the queue.
 */
public final class SnapshotSave {
    /** Where the image goes. {@link #open} and {@link #commit} run on the writer thread. */
    public interface Target {
        RdbSink open() throws IOException;

        /** All bytes were written (EOF and checksum included): make them durable/visible. */
        void commit() throws IOException;

        /** Undo after a failure or cancellation (delete a temp file, close a socket). Any thread. */
        void abort();
    }

    /** Runs on the command thread when the background save ends; error is null on success. */
    public interface Done {
        void done(Throwable error);
    }

    /** Options of one save. */
    public record Options(ValueCodec codec, boolean compress, boolean checksum, long keySaveDelayMicros) {}

    /**
     * How the image is encoded: RDB (BGSAVE, AOF base with preamble, full sync) or AOF commands
     * (base file with aof-use-rdb-preamble no). Runs on the writer thread.
     */
    public interface Format {
        void begin(RdbSink sink) throws IOException;

        void entry(int db, byte[] key, Object value, long expireAtMs) throws IOException;

        /** Everything written: trailer, then flush to the sink. */
        void end() throws IOException;
    }

    /** The RDB encoding, with SELECTDB/RESIZEDB emitted as the database changes. */
    public static Format rdb(Options opt, RdbWriter.AuxInfo aux, Snapshot snap) {
        return new Format() {
            private RdbWriter w;
            private EntryWriter ew;

            @Override public void begin(RdbSink sink) throws IOException {
                w = new RdbWriter(sink, opt.codec(), opt.compress(), opt.checksum());
                w.header(aux);
                for (byte[] code : snap.functions()) w.function(code); // Redis's rdbSaveFunctions
                ew = new EntryWriter(w, snap, opt.keySaveDelayMicros());
            }

            @Override public void entry(int db, byte[] key, Object value, long expireAtMs) throws IOException {
                ew.entry(db, key, value, expireAtMs);
            }

            @Override public void end() throws IOException {
                w.eof();
            }
        };
    }

    private static final int BATCH = 8192;
    private static final long SLICE_NANOS = 1_000_000;
    private static final Batch END = new Batch();

    /** Entries handed from the command thread to the writer thread (grows: a slot is captured whole). */
    private static final class Batch {
        int[] db = new int[64];
        byte[][] key = new byte[64][];
        Object[] val = new Object[64];
        long[] exp = new long[64];
        int n;

        boolean full() { return n >= BATCH; }

        /** Empties the batch for reuse, dropping its references. */
        void clear() {
            java.util.Arrays.fill(key, 0, n, null);
            java.util.Arrays.fill(val, 0, n, null);
            n = 0;
        }

        void add(int d, byte[] k, Object v, long e) {
            if (n == db.length) {
                int cap = n * 2;
                db = java.util.Arrays.copyOf(db, cap);
                key = java.util.Arrays.copyOf(key, cap);
                val = java.util.Arrays.copyOf(val, cap);
                exp = java.util.Arrays.copyOf(exp, cap);
            }
            db[n] = d;
            key[n] = k;
            val[n] = v;
            exp[n] = e;
            n++;
        }
    }

    private final Server server;
    private final Snapshot snap;
    private final Format format;
    private final Target target;
    private final Done done;
    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(8);
    // Batches the writer is done with, reused by the capture: a save allocates about ten batches
    // instead of one per slice. Queued batches outlive young collections, so fresh ones would be
    // promoted and pile up in the old generation as garbage: extra memory for the save's duration.
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(12);
    private final long startMs = System.currentTimeMillis();
    private Thread thread;
    private volatile boolean cancelled;
    private volatile long written;
    private boolean finished;

    private SnapshotSave(Server server, Snapshot snap, Format format, Target target, Done done) {
        this.server = server;
        this.snap = snap;
        this.format = format;
        this.target = target;
        this.done = done;
    }

    /**
     * Starts a background save (call on the command thread). T0 is now: the image is the
     * keyspace as of this call, whatever is written afterwards.
     */
    public static SnapshotSave start(Server server, Options opt, RdbWriter.AuxInfo aux, Target target, Done done) {
        return start(server, opt.codec(), snap -> rdb(opt, aux, snap), target, done);
    }

    /** As {@link #start(Server, Options, RdbWriter.AuxInfo, Target, Done)} with any encoding. */
    public static SnapshotSave start(Server server, ValueCodec codec, java.util.function.Function<Snapshot, Format> format,
                                     Target target, Done done) {
        Keyspace ks = server.keyspace();
        Snapshot snap = ks.snapshot(codec::freeze);
        SnapshotSave s = new SnapshotSave(server, snap, format.apply(snap), target, done);
        s.thread = new Thread(s::writerLoop, "vermilion-snapshot-writer");
        s.thread.setDaemon(true);
        s.thread.start();
        s.server.loop().execute(s::pump);
        return s;
    }

    /**
     * A foreground save: the whole image written now, on the calling (command) thread, as SAVE and
     * SHUTDOWN do. Nothing can change the keyspace meanwhile, so values are not copied.
     */
    public static long writeNow(Keyspace ks, Options opt, RdbWriter.AuxInfo aux, RdbSink sink) throws IOException {
        return writeNow(ks, snap -> rdb(opt, aux, snap), sink);
    }

    /** As {@link #writeNow(Keyspace, Options, RdbWriter.AuxInfo, RdbSink)} with any encoding. */
    public static long writeNow(Keyspace ks, java.util.function.Function<Snapshot, Format> format, RdbSink sink)
            throws IOException {
        try (Snapshot snap = ks.snapshot(v -> v)) {
            Format f = format.apply(snap);
            f.begin(sink);
            snap.step(Integer.MAX_VALUE, f::entry);
            f.end();
            return snap.emitted();
        }
    }

    /** Writes entries, emitting SELECTDB/RESIZEDB when the database changes (empty ones are never seen). */
    static final class EntryWriter {
        private final RdbWriter w;
        private final Snapshot snap;
        private final long delayMicros;
        private int db = -1;

        EntryWriter(RdbWriter w, Snapshot snap, long delayMicros) {
            this.w = w;
            this.snap = snap;
            this.delayMicros = delayMicros;
        }

        void entry(int d, byte[] key, Object value, long expireAtMs) throws IOException {
            if (d != db) {
                db = d;
                w.selectDb(d);
                w.resizeDb(snap.keysAtStart(d), snap.expiresAtStart(d));
            }
            w.entry(key, value, expireAtMs, -1, -1);
            // rdb-key-save-delay: a testing knob of Redis that slows saving down per key.
            if (delayMicros > 0) LockSupport.parkNanos(delayMicros * 1000);
        }
    }

    // ------------------------------------------------------------------ command thread side

    private void pump() {
        if (cancelled || finished) return;
        try {
            if (queue.remainingCapacity() == 0) {
                server.loop().schedule(this::pump, 1, TimeUnit.MILLISECONDS);
                return;
            }
            Batch b = free.poll();
            if (b == null) b = new Batch();
            long deadline = System.nanoTime() + SLICE_NANOS;
            boolean complete = snap.done();
            while (!complete && !b.full() && System.nanoTime() < deadline) {
                complete = snap.step(256, b::add);
            }
            if (b.n > 0) queue.add(b);
            if (complete) {
                snap.close();
                // Never block the command thread on the queue: a writer whose target needs the
                // event loop (a replica's socket) would then wait for it forever.
                putEnd();
            } else {
                // Scheduled, not executed: lets the event loop serve clients between slices.
                server.loop().schedule(this::pump, 0, TimeUnit.NANOSECONDS);
            }
        } catch (Exception e) {
            fail(e);
        }
    }

    private void putEnd() {
        if (cancelled || finished) return;
        if (!queue.offer(END)) server.loop().schedule(this::putEnd, 1, TimeUnit.MILLISECONDS);
    }

    private void fail(Throwable e) {
        cancelled = true;
        snap.close();
        if (thread != null) thread.interrupt();
        finish(e);
    }

    /** Stops a running save (SHUTDOWN, FLUSHALL policy...). Done is called with a CancellationException. */
    public void cancel() {
        if (finished) return;
        fail(new CancellationException("snapshot cancelled"));
    }

    private void finish(Throwable e) {
        if (finished) return;
        finished = true;
        snap.close();
        done.done(e);
    }

    public boolean running() { return !finished; }

    /** Waits for the writer thread to end (after {@link #cancel}: its temp file is then gone). */
    public void awaitWriter(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long startMs() { return startMs; }

    /** Keys written so far (INFO current_save_keys_processed). */
    public long keysWritten() { return written; }

    public long keysTotal() { return snap.totalKeysAtStart(); }

    /** Keys currently kept aside by copy-on-write. */
    public int keptKeys() { return finished ? 0 : snap.keptCount(); }

    // ------------------------------------------------------------------ writer thread side

    private void writerLoop() {
        Throwable error = null;
        try {
            RdbSink sink = target.open();
            format.begin(sink);
            long n = 0;
            while (true) {
                Batch b = queue.take();
                if (b == END) break;
                if (cancelled) throw new CancellationException("snapshot cancelled");
                for (int i = 0; i < b.n; i++) {
                    format.entry(b.db[i], b.key[i], b.val[i], b.exp[i]);
                    written = ++n;
                }
                b.clear();
                free.offer(b);
            }
            format.end();
            if (cancelled) throw new CancellationException("snapshot cancelled");
            target.commit();
        } catch (InterruptedException e) {
            error = new CancellationException("snapshot cancelled");
        } catch (Throwable e) {
            error = cancelled ? new CancellationException("snapshot cancelled") : e;
        }
        if (error != null) target.abort();
        final Throwable result = error;
        try {
            server.loop().execute(() -> {
                if (!finished) {
                    if (result != null) cancelled = true;
                    finish(result);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // the node is stopping: nobody is waiting for the outcome
        }
    }
}
