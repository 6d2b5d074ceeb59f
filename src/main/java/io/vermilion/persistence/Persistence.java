package io.vermilion.persistence;

import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.node.Main;
import io.vermilion.persistence.aof.Aof;
import io.vermilion.persistence.rdb.RdbException;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.persistence.rdb.RdbWriter;
import io.vermilion.persistence.rdb.ValueCodec;
import io.vermilion.server.PersistenceInfo;
import io.vermilion.server.Server;
import io.vermilion.util.Log;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CancellationException;

/**
 * The node's persistence: loading the dataset at startup, SAVE and BGSAVE to the RDB file
 * ({@code dir}/{@code dbfilename}), the {@code save <seconds> <changes>} points checked from the
 * server cron, saving on SHUTDOWN, and the INFO persistence numbers. One per node, used on the
 * command thread only (background saves report back to it through the event loop).
 *
 * <p>Files are written to {@code temp-<pid>.rdb}, fsynced, renamed over the target and the
 * directory fsynced, as Redis does: a crash never leaves a partial file under the real name.
 */
public final class Persistence implements PersistenceInfo {
    /** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long. */
    static final long BGSAVE_RETRY_DELAY_SEC = 5;

    private final Server server;
    private final Config config;
    private final Log log;
    private ValueCodec codec;

    private SnapshotSave bg;
    private boolean lastBgOk = true;
    private long lastBgTimeSec = -1;
    private long lastBgsaveTrySec;
    private long saves;
    private long dirtyAtBgStart;
    private boolean bgsaveScheduled;
    private boolean loading;
    private int bgSeq;
    private long lastLoadLoaded;
    private long lastLoadExpired;
    private final Aof aof;
    private final io.vermilion.persistence.migrate.MigrateConnections migrate =
            new io.vermilion.persistence.migrate.MigrateConnections();

    public Persistence(Server server) {
        this.server = server;
        this.config = server.config();
        this.log = server.log();
        // What this node loads is encoded by its own thresholds (hash-max-listpack-entries ...).
        this.codec = io.vermilion.persistence.rdb.Codecs.configured(io.vermilion.persistence.rdb.Codecs.ALL, config);
        server.persistence(this);
        this.aof = new Aof(this);
    }

    public Aof aof() { return aof; }

    /** MIGRATE's cached connections to target instances. */
    public io.vermilion.persistence.migrate.MigrateConnections migrateConnections() { return migrate; }

    /** The persistence of a node (installed by its constructor). */
    public static Persistence of(Server s) {
        if (s.persistence() instanceof Persistence p) return p;
        throw new IllegalStateException("no persistence module on this node");
    }

    public Server server() { return server; }

    /** How values are serialized; type families add their codecs here. */
    public ValueCodec codec() { return codec; }

    public void codec(ValueCodec c) { codec = c; }

    /** Options from the configuration: rdbcompression, rdbchecksum, rdb-key-save-delay. */
    public SnapshotSave.Options saveOptions() {
        return new SnapshotSave.Options(codec, config.getBool("rdbcompression"), config.getBool("rdbchecksum"),
                Math.max(0, config.getLong("rdb-key-save-delay")));
    }

    /** The aux fields of a file written now ({@code aofBase} for an AOF base). */
    public RdbWriter.AuxInfo auxInfo(boolean aofBase) {
        Runtime rt = Runtime.getRuntime();
        return new RdbWriter.AuxInfo(Main.REDIS_VERSION, System.currentTimeMillis() / 1000,
                rt.totalMemory() - rt.freeMemory(), aofBase, aofBase ? null : replInfo.get());
    }

    private java.util.function.Supplier<RdbWriter.ReplInfo> replInfo = () -> null;
    private volatile RdbWriter.ReplInfo loadedReplInfo;

    /** What RDB saves record of replication (repl-id, repl-offset, repl-stream-db); replication installs it. */
    public void replInfo(java.util.function.Supplier<RdbWriter.ReplInfo> s) { replInfo = s; }

    /** The replication fields of the RDB file loaded at startup, or null. */
    public RdbWriter.ReplInfo loadedReplInfo() { return loadedReplInfo; }

    public Path rdbPath() { return config.resolve(config.get("dbfilename")); }

    private Path tempPath() { return config.resolve("temp-" + ProcessHandle.current().pid() + ".rdb"); }

    // ------------------------------------------------------------------ loading

    /**
     * Loads the dataset at startup: the AOF with appendonly yes, else the RDB file. A missing file is
     * an empty dataset; an unreadable or corrupt one is fatal.
     *
     * <p>Call from a thread other than the event loop, with the client port already listening:
     * this thread reads and parses the files while the loop applies the result in short slices
     * ({@link LoadPipe}), so clients are answered (-LOADING) throughout, INFO shows the loading_*
     * fields and the log a progress line every second. Returns when the dataset is in place.
     */
    public void loadAtStartup() throws DataLoadException {
        LoadPipe pipe = new LoadPipe(server.loop());
        keyLoadDelayUs = config.getLong("key-load-delay");
        // With appendonly yes the AOF is the dataset (the RDB file is not read), as in Redis.
        aof.loadAtStartup(pipe);
        if (config.getBool("appendonly")) return;
        Path file = rdbPath();
        if (!Files.exists(file)) return;
        long t0 = System.nanoTime();
        Keyspace ks = server.keyspace();
        RdbLoader loader = new RdbLoader(ks, log, false);
        boolean[] expiry = new boolean[1];
        try {
            pipe.run(() -> {
                expiry[0] = ks.expiryEnabled();
                ks.expiryEnabled(false);
                startLoading(fileSize(file), loader);
            });
            try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                io.vermilion.persistence.rdb.RdbReader r = new io.vermilion.persistence.rdb.RdbReader(
                        new io.vermilion.persistence.rdb.RdbSource.Stream(in, Files.size(file)), codec,
                        config.getBool("rdbchecksum"));
                r.read(piped(loader, pipe, r, 0));
            }
            // Everything read is applied before the load counts as done.
            pipe.run(() -> { });
        } catch (NoSuchFileException e) {
            finishLoading(pipe, ks, expiry);
            return;
        } catch (RdbException e) {
            // Fatal: the node stays "loading" (clients keep getting -LOADING) until it is stopped.
            throw new DataLoadException("Fatal error loading the DB (" + file + "): " + e.getMessage() + ". Exiting.", e);
        } catch (IOException | RuntimeException e) {
            throw new DataLoadException("Fatal error loading the DB: " + e.getMessage() + ". Exiting.", e);
        }
        loadedReplInfo = loader.replInfo();
        lastLoadLoaded = loader.loaded();
        lastLoadExpired = loader.expired();
        // Logged before loading ends, so that a client served after the load finds the lines (as
        // in Redis, which serves nobody in between).
        log.notice("Done loading RDB, keys loaded: " + loader.loaded() + ", keys expired: " + loader.expired() + ".");
        log.notice(String.format("DB loaded from disk: %.3f seconds", (System.nanoTime() - t0) / 1e9));
        finishLoading(pipe, ks, expiry);
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Back to normal after a load (on the loop); errors of the pipe itself are moot by then. */
    private void finishLoading(LoadPipe pipe, Keyspace ks, boolean[] expiry) {
        Runnable done = () -> {
            ks.expiryEnabled(expiry[0] || ks.expiryEnabled());
            stopLoading();
        };
        try {
            server.loop().submit(done).get();
        } catch (Exception e) {
            // the loop is gone: nothing left to reset
        }
    }

    /**
     * An RDB handler for the reading thread: every element is applied to the keyspace on the loop
     * (in order), and the bytes read so far are published for INFO and the progress log.
     */
    public io.vermilion.persistence.rdb.RdbHandler piped(RdbLoader loader, LoadPipe pipe,
            io.vermilion.persistence.rdb.RdbReader reader, long baseOffset) {
        return new io.vermilion.persistence.rdb.RdbHandler() {
            @Override public void aux(byte[] key, byte[] value) throws IOException {
                if (new String(key, java.nio.charset.StandardCharsets.ISO_8859_1).equalsIgnoreCase("used-mem")) {
                    try {
                        loadingRdbUsedMem = Long.parseLong(new String(value, java.nio.charset.StandardCharsets.ISO_8859_1).trim());
                    } catch (NumberFormatException ignored) {
                        // not a number: no estimate
                    }
                }
                flushKeys();
                pipe.apply(() -> loader.aux(key, value));
            }

            // Keys go over in batches, with their slot, hash and size computed here (LoadBatch).
            private io.vermilion.keyspace.LoadBatch keys = new io.vermilion.keyspace.LoadBatch();

            private void flushKeys() throws IOException {
                if (keys.isEmpty()) return;
                io.vermilion.keyspace.LoadBatch b = keys;
                keys = new io.vermilion.keyspace.LoadBatch();
                pipe.apply(new LoadPipe.Weighted() {
                    @Override public int weight() { return b.size(); }

                    @Override public void run() {
                        try {
                            loader.entries(b);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
            }

            @Override public void end() throws IOException {
                flushKeys();
            }

            private int currentDb;

            @Override public void selectDb(int db) throws IOException {
                loader.selectDb(db); // reads only the (fixed) number of databases
                currentDb = db;
            }

            @Override public void resizeDb(long dbSize, long expiresSize) throws IOException {
                // The tables are sized ahead for the hinted number of keys, no more than the
                // file can hold (a key takes well over 8 bytes), so a bogus hint costs little.
                long n = Math.min(Math.max(0, dbSize), loadingTotalBytes / 8);
                int db = currentDb;
                if (n > 0) {
                    flushKeys();
                    pipe.apply(() -> loader.presize(db, n));
                }
            }

            @Override public void entry(int db, byte[] key, Object value, long expireAtMs, long idleSec, int freq)
                    throws IOException {
                if (!loader.dropsExpired(expireAtMs) && keys.add(db, key, value, expireAtMs, idleSec, freq)) flushKeys();
                loadingLoadedBytes = baseOffset + reader.position();
                keyLoadDelay();
            }

            @Override public void function(byte[] code) throws IOException {
                flushKeys();
                pipe.apply(() -> {
                    try {
                        loader.function(code);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        };
    }

    // ------------------------------------------------------------------ loading progress

    private long delayCount;
    private volatile long keyLoadDelayUs;

    /**
     * key-load-delay (a test knob of Redis, read on the reading thread): microseconds to wait after
     * each key; a negative value -n waits one microsecond every n keys.
     */
    public void keyLoadDelay() {
        long d = keyLoadDelayUs;
        if (d > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(d * 1000);
        } else if (d < 0 && ++delayCount % -d == 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(1000);
        }
    }

    private volatile long loadingStartSec, loadingTotalBytes, loadingLoadedBytes, loadingRdbUsedMem;
    private long loadingStartNanos, progressKeys, progressNanos;
    private RdbLoader rdbLoading;
    private java.util.concurrent.ScheduledFuture<?> progressTask;

    /** On the loop: INFO loading:1 from now on, and a progress line in the log every second. */
    public void startLoading(long totalBytes, RdbLoader rdb) {
        loading = true;
        server.loading(true);
        loadingStartSec = System.currentTimeMillis() / 1000;
        loadingStartNanos = progressNanos = System.nanoTime();
        loadingTotalBytes = totalBytes;
        loadingLoadedBytes = 0;
        loadingRdbUsedMem = 0;
        progressKeys = 0;
        rdbLoading = rdb;
        if (progressTask == null) {
            progressTask = server.loop().scheduleAtFixedRate(this::logProgress, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The bytes of the files being loaded that were read so far (any thread). */
    public void loadingProgress(long loadedBytes) {
        loadingLoadedBytes = loadedBytes;
    }

    /** On the loop: the load is over (done or failed). */
    public void stopLoading() {
        loading = false;
        server.loading(false);
        rdbLoading = null;
        if (progressTask != null) {
            progressTask.cancel(false);
            progressTask = null;
        }
    }

    private void logProgress() {
        if (!loading) return;
        long keys = 0;
        Keyspace ks = server.keyspace();
        for (int i = 0; i < ks.databases(); i++) keys += ks.db(i).size();
        long now = System.nanoTime();
        double secs = Math.max(1e-9, (now - progressNanos) / 1e9);
        long total = loadingTotalBytes, done = loadingLoadedBytes;
        log.notice(String.format("Loading: %d keys in memory, %d of %d bytes read (%.2f%%), %.0f keys/s, %.1f s elapsed",
                keys, done, total, total == 0 ? 0.0 : done * 100.0 / total, (keys - progressKeys) / secs,
                (now - loadingStartNanos) / 1e9));
        progressKeys = keys;
        progressNanos = now;
    }

    // ------------------------------------------------------------------ saving

    /** True while a background save (or, later, an AOF rewrite) runs: Redis's hasActiveChildProcess. */
    public boolean childActive() {
        return (bg != null && bg.running()) || aof.rewriteInProgress();
    }

    public boolean bgsaveInProgress() {
        return bg != null && bg.running();
    }

    /** SAVE: a synchronous save on the command thread. Returns false on failure (logged). */
    public boolean saveNow() {
        saves++;
        return rdbSave();
    }

    private boolean rdbSave() {
        Path tmp = tempPath();
        Path target = rdbPath();
        try {
            try (RdbSink.File sink = new RdbSink.File(tmp)) {
                SnapshotSave.writeNow(server.keyspace(), saveOptions(), auxInfo(false), sink);
                sink.sync();
            }
            moveIntoPlace(tmp, target);
        } catch (IOException | RuntimeException e) {
            // RuntimeException: a value no codec can encode yet; the old file stays as it was.
            log.warning("Write error saving DB on disk: " + (e instanceof IOException io ? describe(io) : e.toString()));
            deleteQuietly(tmp);
            return false;
        }
        log.notice("DB saved on disk");
        server.resetDirty();
        lastBgOk = true;
        return true;
    }

    /** Atomic rename, then fsync of the directory so the rename itself survives a crash. */
    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(target.toAbsolutePath().getParent());
    }

    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to fsync a directory; the rename is still in the journal.
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** What BGSAVE replies (Redis's texts). */
    public enum BgsaveResult { STARTED, SCHEDULED, ALREADY_IN_PROGRESS, CHILD_ACTIVE, FAILED }

    /** BGSAVE [SCHEDULE]. */
    public BgsaveResult bgsave(boolean schedule) {
        if (bgsaveInProgress()) return BgsaveResult.ALREADY_IN_PROGRESS;
        if (childActive()) {
            if (!schedule) return BgsaveResult.CHILD_ACTIVE;
            bgsaveScheduled = true;
            return BgsaveResult.SCHEDULED;
        }
        return rdbSaveBackground() ? BgsaveResult.STARTED : BgsaveResult.FAILED;
    }

    /** Starts a background save of the RDB file; false if one cannot start now. */
    public boolean rdbSaveBackground() {
        if (childActive()) return false;
        saves++;
        lastBgsaveTrySec = System.currentTimeMillis() / 1000;
        dirtyAtBgStart = server.dirty();
        // Its own temp name: a cancelled writer thread may still be deleting its file while a
        // foreground save (SHUTDOWN) writes temp-<pid>.rdb.
        Path tmp = config.resolve("temp-" + ProcessHandle.current().pid() + "-bg" + (++bgSeq) + ".rdb");
        Path target = rdbPath();
        SnapshotSave.Target t = new SnapshotSave.Target() {
            private RdbSink.File sink;

            @Override public RdbSink open() throws IOException {
                sink = new RdbSink.File(tmp);
                return sink;
            }

            @Override public void commit() throws IOException {
                sink.sync();
                sink.close();
                moveIntoPlace(tmp, target);
            }

            @Override public void abort() {
                try {
                    if (sink != null) sink.close();
                } catch (IOException ignored) {
                    // closing a file we are deleting
                }
                deleteQuietly(tmp);
            }
        };
        bg = SnapshotSave.start(server, saveOptions(), auxInfo(false), t, this::bgsaveDone);
        log.notice("Background saving started by pid " + ProcessHandle.current().pid());
        return true;
    }

    private void bgsaveDone(Throwable error) {
        long elapsed = (System.currentTimeMillis() - bg.startMs()) / 1000;
        if (error == null) {
            log.notice("DB saved on disk");
            log.notice("Background saving terminated with success");
            server.addDirty(-dirtyAtBgStart);
            server.lastSaveSec(System.currentTimeMillis() / 1000);
            lastBgOk = true;
        } else if (error instanceof CancellationException) {
            log.warning("Background saving terminated by cancellation");
        } else {
            log.warning("Background saving error: " + (error instanceof IOException io ? describe(io) : error.toString()));
            lastBgOk = false;
        }
        lastBgTimeSec = elapsed;
    }

    /** Stops a running background save, removing its temp file. */
    public void killBackgroundSave() {
        if (bg != null && bg.running()) {
            bg.cancel();
            bg.awaitWriter(5000);
        }
    }

    /** Save points from the "save" directive, as (seconds, changes) pairs. */
    long[] savePoints() {
        String v = config.get("save").trim();
        if (v.isEmpty()) return new long[0];
        String[] parts = v.split("\\s+");
        long[] p = new long[parts.length - parts.length % 2];
        for (int i = 0; i < p.length; i++) p[i] = Long.parseLong(parts[i]);
        return p;
    }

    /** Called from the server cron: scheduled BGSAVE and save points. */
    public void cron() {
        aof.cron();
        migrate.closeIdle(System.currentTimeMillis());
        if (childActive()) return;
        long now = System.currentTimeMillis() / 1000;
        boolean mayRetry = now - lastBgsaveTrySec > BGSAVE_RETRY_DELAY_SEC || lastBgOk;
        if (bgsaveScheduled && mayRetry) {
            bgsaveScheduled = false;
            rdbSaveBackground();
            return;
        }
        long[] p = savePoints();
        for (int j = 0; j + 1 < p.length; j += 2) {
            long secs = p[j], changes = p[j + 1];
            if (server.dirty() >= changes && now - server.lastSaveSec() > secs && mayRetry) {
                log.notice(changes + " changes in " + secs + " seconds. Saving...");
                rdbSaveBackground();
                break;
            }
        }
    }

    /**
     * SHUTDOWN: stops a background save and an AOF rewrite, flushes and fsyncs the AOF, and with
     * {@code save} (SHUTDOWN SAVE, or plain SHUTDOWN/SIGTERM with save points) saves the RDB in the
     * foreground. Returns false if that save failed: the node must keep running.
     */
    public boolean prepareShutdown(boolean save) {
        // As Redis: a half-loaded dataset is never saved over the files it comes from.
        if (loading()) save = false;
        if (bgsaveInProgress()) {
            log.warning("There is a child saving an .rdb. Killing it!");
            killBackgroundSave();
        }
        aof.prepareShutdown();
        if (save) {
            log.notice("Saving the final RDB snapshot before exiting.");
            if (!rdbSave()) {
                log.warning("Error trying to save the DB, can't exit.");
                return false;
            }
        }
        return true;
    }

    /**
     * FLUSHALL's persistence side in Redis 7.0 (flushAllDataAndResetRDB): a running BGSAVE is
     * stopped, and with save points configured the now empty dataset is saved at once. For the
     * FLUSHALL command to call after flushing.
     */
    public void afterFlushAll() {
        killBackgroundSave();
        if (savePoints().length > 0) rdbSave();
    }

    /** An in-process node stops: background work is cancelled and the AOF written and closed. */
    public void close() {
        migrate.closeAll();
        killBackgroundSave();
        aof.close();
    }

    // ------------------------------------------------------------------ INFO persistence

    @Override public boolean loading() { return loading || server.loading(); }
    @Override public long loadingStartTime() { return loadingStartSec; }
    @Override public long loadingTotalBytes() { return loadingTotalBytes; }
    @Override public long loadingLoadedBytes() { return loadingLoadedBytes; }
    @Override public long loadingRdbUsedMem() { return loadingRdbUsedMem; }
    @Override public long currentSaveKeysProcessed() {
        return bg != null && bg.running() ? bg.keysWritten() : aof.rewriteKeysWritten();
    }
    @Override public long currentSaveKeysTotal() {
        return bg != null && bg.running() ? bg.keysTotal() : aof.rewriteKeysTotal();
    }
    @Override public long rdbChangesSinceLastSave() { return server.dirty(); }
    @Override public boolean rdbBgsaveInProgress() { return bgsaveInProgress(); }
    @Override public long rdbLastSaveTime() { return server.lastSaveSec(); }
    @Override public boolean rdbLastBgsaveOk() { return lastBgOk; }
    @Override public long rdbLastBgsaveTimeSec() { return lastBgTimeSec; }
    @Override public long rdbCurrentBgsaveTimeSec() {
        return bgsaveInProgress() ? (System.currentTimeMillis() - bg.startMs()) / 1000 : -1;
    }
    @Override public long rdbSaves() { return saves; }
    @Override public long rdbLastLoadKeysExpired() { return lastLoadExpired; }
    @Override public long rdbLastLoadKeysLoaded() {
        // While an RDB loads, Redis shows the running count.
        RdbLoader l = rdbLoading;
        return l != null ? l.loaded() : lastLoadLoaded;
    }
    @Override public boolean aofEnabled() { return aof.enabled(); }
    @Override public boolean aofRewriteInProgress() { return aof.rewriteInProgress(); }
    @Override public boolean aofRewriteScheduled() { return aof.rewriteScheduled(); }
    @Override public long aofLastRewriteTimeSec() { return aof.rewriteTimeLast(); }
    @Override public long aofCurrentRewriteTimeSec() { return aof.currentRewriteTimeSec(); }
    @Override public boolean aofLastBgrewriteOk() { return aof.lastBgrewriteOk(); }
    @Override public long aofRewrites() { return aof.rewrites(); }
    @Override public long aofRewritesConsecutiveFailures() { return aof.consecutiveFailures(); }
    @Override public boolean aofLastWriteOk() { return aof.lastWriteOk(); }
    @Override public long aofCurrentSize() { return aof.currentSize(); }
    @Override public long aofBaseSize() { return aof.baseSize(); }
    @Override public boolean aofPendingRewrite() { return aof.rewriteScheduled(); }
    @Override public long aofBufferLength() { return aof.bufferLength(); }
    @Override public long aofPendingBioFsync() { return aof.pendingFsyncs(); }
    @Override public long aofDelayedFsync() { return aof.delayedFsync(); }
}
