package io.vermilion.persistence.aof;

import io.netty.buffer.Unpooled;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.persistence.DataLoadException;
import io.vermilion.persistence.Persistence;
import io.vermilion.persistence.RdbLoader;
import io.vermilion.persistence.SnapshotSave;
import io.vermilion.persistence.rdb.RdbException;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.persistence.rdb.RdbSource;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import io.vermilion.util.CrashPoint;
import io.vermilion.util.Log;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The append-only file, as Redis 7.0 keeps it: a directory ({@code appenddirname}) holding a base
 * file (an RDB image, or commands without the RDB preamble), incremental files of commands in
 * RESP, and the manifest that lists them. Write commands (in their propagated form, as set by
 * {@code Client.propagateAs}) are appended with a SELECT whenever the database changes; deletions
 * by expiry arrive as DEL.
 *
 * <p>Durability: every command is buffered, and before any client reply leaves the node the
 * buffer is written — and with {@code appendfsync always} fsynced — once for all replies of that
 * event-loop iteration (the node's {@link Server.ReplyBarrier}; group commit). With
 * {@code everysec} a background thread fsyncs at most once a second; with {@code no} the OS
 * decides.
 *
 * <p>BGREWRITEAOF opens a new incremental file and takes a point-in-time snapshot at the same
 * instant (no fork: see {@link io.vermilion.keyspace.Snapshot}); the snapshot becomes the new base
 * and the incremental files it covers are deleted. At startup the base and incremental files are
 * replayed through the command handlers by an internal client.
 *
 * <p>Runs on the command thread except the fsync thread and the snapshot writer.
 */
public final class Aof implements Server.Propagator, Server.ReplyBarrier {
    private enum State { OFF, ON, WAIT_REWRITE }

    private static final int REWRITE_LIMIT_THRESHOLD = 3;
    private static final int REWRITE_LIMIT_MAX_MINUTES = 60;

    private final Persistence persistence;
    private final Server server;
    private final Config config;
    private final Log log;
    private final ExecutorService fsyncer;
    private final AtomicInteger fsyncsPending = new AtomicInteger();

    private State state = State.OFF;
    private AofManifest manifest = new AofManifest();
    private FileChannel fc;
    private byte[] buf = new byte[16 * 1024];
    private int bufLen;
    private int selectedDb = -1;
    private long curTimestamp;
    private long lastIncrSize;
    private long lastIncrFsyncOffset;
    private long currentSize;
    private long rewriteBaseSize;
    private long lastFsyncSec;
    private boolean lastWriteOk = true;
    private long lastWriteErrorLogSec;
    private long delayedFsync;

    private SnapshotSave rewrite;
    private boolean rewriteScheduled;
    private long rewriteStartSec = -1;
    private long rewriteTimeLast = -1;
    private long rewrites;
    private long consecutiveFailures;
    private boolean lastBgrewriteOk = true;
    private int nextDelayMinutes;
    private long nextRewriteTimeSec;
    private Path rewriteTemp;

    public Aof(Persistence persistence) {
        this.persistence = persistence;
        this.server = persistence.server();
        this.config = server.config();
        this.log = server.log();
        this.fsyncer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vermilion-aof-fsync");
            t.setDaemon(true);
            return t;
        });
        readPolicy();
        config.addListener("appendfsync", v -> readPolicy());
        config.addListener("aof-timestamp-enabled", v -> readPolicy());
        config.addListener("appendonly", v -> {
            boolean on = "yes".equals(v);
            if (on && state == State.OFF) {
                if (!start()) throw new IllegalStateException("Unable to turn on AOF. Check server logs.");
            } else if (!on && state != State.OFF) {
                stop();
            }
        });
    }

    private Path dir() { return config.resolve(config.get("appenddirname")); }
    private String fileName() { return config.get("appendfilename"); }
    // appendfsync and aof-timestamp-enabled, read on every write command and reply flush: cached,
    // kept in step by CONFIG SET listeners.
    private volatile boolean always, everysec, timestamps;

    private void readPolicy() {
        String f = config.get("appendfsync");
        always = "always".equals(f);
        everysec = "everysec".equals(f);
        timestamps = config.getBool("aof-timestamp-enabled");
    }

    private boolean always() { return always; }
    private boolean everysec() { return everysec; }
    private static long nowSec() { return System.currentTimeMillis() / 1000; }

    public boolean enabled() { return state != State.OFF; }

    public boolean rewriteInProgress() { return rewrite != null && rewrite.running(); }

    // ================================================================== startup

    /**
     * Reads the manifest (Redis does so at every start, AOF on or off: a broken one is fatal),
     * then with appendonly on replays base and incremental files, creates a base if there is none,
     * opens the last incremental file and starts appending.
     */
    public void loadAtStartup(io.vermilion.persistence.LoadPipe pipe) throws DataLoadException {
        try {
            manifest = loadManifestFromDisk();
        } catch (AofException e) {
            throw new DataLoadException("*** FATAL AOF MANIFEST FILE ERROR *** " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataLoadException("Fatal error: can't open the AOF manifest file for reading: " + e.getMessage(), e);
        }
        if (!config.getBool("appendonly")) return;
        long t0 = System.nanoTime();
        try {
            upgradeIfNeeded();
            loadFiles(pipe, t0);
        } catch (IOException | RuntimeException e) {
            throw new DataLoadException(e.getMessage(), e);
        }
        try {
            // The rest touches the keyspace (a first base) and the node: on the loop.
            pipe.call(() -> {
                openOnServerStart();
                deleteHistoryFiles();
                state = State.ON;
                lastFsyncSec = nowSec();
                attach();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw new DataLoadException(e.getMessage(), e);
        }
    }

    private void attach() {
        server.addPropagator(this);
        server.replyBarrier(this);
    }

    private void detach() {
        server.removePropagator(this);
        server.replyBarrier(null);
    }

    private AofManifest loadManifestFromDisk() throws IOException {
        Path m = dir().resolve(fileName() + AofManifest.SUFFIX);
        if (!Files.isDirectory(dir()) || !Files.exists(m)) return new AofManifest();
        return AofManifest.parse(Files.readString(m, StandardCharsets.ISO_8859_1));
    }

    /** An appendonly.aof of Redis before 7.0 in the working directory: moved in as the base. */
    private void upgradeIfNeeded() throws IOException {
        Path old = config.resolve(fileName());
        if (!Files.isRegularFile(old)) return;
        boolean upgrade = !Files.isDirectory(dir()) || manifest.isEmpty()
                || (manifest.base() != null && manifest.incr().isEmpty() && manifest.base().name().equals(fileName())
                    && !Files.exists(dir().resolve(fileName())));
        if (!upgrade) return;
        Files.createDirectories(dir());
        AofManifest m = AofManifest.upgraded(fileName());
        persistManifest(m);
        manifest = m;
        Files.move(old, dir().resolve(fileName()), StandardCopyOption.ATOMIC_MOVE);
        log.notice("Successfully migrated an old-style AOF file (" + fileName() + ") into the AOF directory ("
                + config.get("appenddirname") + ").");
    }

    /** Replays base then incr files; false if there was nothing to load. */
    private boolean loadFiles(io.vermilion.persistence.LoadPipe pipe, long loadStart) throws IOException {
        if (manifest.isEmpty()) return false;
        List<AofManifest.Info> files = new ArrayList<>();
        if (manifest.base() != null) files.add(manifest.base());
        files.addAll(manifest.incr());
        long total = 0;
        for (AofManifest.Info f : files) {
            Path p = dir().resolve(f.name());
            if (!Files.exists(p)) {
                throw new AofException("The append log file " + f.name() + " doesn't exist: No such file or directory");
            }
            total += Files.size(p);
        }
        if (total == 0) return false;
        Keyspace ks = server.keyspace();
        boolean[] expiry = new boolean[1];
        long totalBytes = total;
        pipe.run(() -> {
            expiry[0] = ks.expiryEnabled();
            ks.expiryEnabled(false); // nothing expires while loading: the log assumes the exact keyspace
            persistence.startLoading(totalBytes, null);
        });
        boolean ok = false;
        try {
            long offset = 0;
            for (int i = 0; i < files.size(); i++) {
                AofManifest.Info f = files.get(i);
                boolean last = i == files.size() - 1;
                long t0 = System.nanoTime();
                boolean truncated = loadSingle(f.name(), last, pipe, offset);
                // Everything of this file is applied before its time is reported.
                pipe.run(() -> { });
                offset += Files.size(dir().resolve(f.name()));
                if (truncated && !last) throw new AofException("Fatal error: the truncated file is not the last file");
                log.notice(String.format("DB loaded from %s file %s: %.3f seconds", f.type() == AofManifest.BASE ? "base" : "incr",
                        f.name(), (System.nanoTime() - t0) / 1e9));
            }
            ok = true;
        } finally {
            // After a fatal error the node stays "loading" (clients keep getting -LOADING) until stopped.
            if (ok) {
                // Logged before loading ends, so that a client served after the load finds it (as
                // Redis, which serves nobody in between).
                log.notice(String.format("DB loaded from append only file: %.3f seconds", (System.nanoTime() - loadStart) / 1e9));
                try {
                    server.loop().submit(() -> {
                        ks.expiryEnabled(expiry[0] || ks.expiryEnabled());
                        persistence.stopLoading();
                    }).get();
                } catch (Exception e) {
                    // the loop is gone: nothing to reset
                }
            }
        }
        currentSize = total;
        rewriteBaseSize = manifest.base() == null ? 0 : Files.size(dir().resolve(manifest.base().name()));
        return true;
    }

    /** Replays one file; returns true if it was truncated (and cut back). */
    private boolean loadSingle(String name, boolean last, io.vermilion.persistence.LoadPipe pipe, long offset)
            throws IOException {
        Path path = dir().resolve(name);
        long size = Files.size(path);
        if (size == 0) return false;
        long start = 0;
        byte[] sig = new byte[5];
        try (InputStream in = Files.newInputStream(path)) {
            int n = in.readNBytes(sig, 0, 5);
            if (n == 5 && new String(sig, StandardCharsets.US_ASCII).equals("REDIS")) {
                boolean oldStyle = name.equals(fileName());
                log.notice(oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
                start = loadRdbPart(path, size, name, oldStyle, pipe, offset);
                if (oldStyle) log.notice("Reading the remaining AOF tail...");
            }
        }
        Client client = pipe.call(() -> server.newClient(null, new Reply(Unpooled.buffer(256))));
        try (InputStream raw = Files.newInputStream(path)) {
            raw.skipNBytes(start);
            AofCommandReader r = new AofCommandReader(new BufferedInputStream(raw, 1 << 16), start, size);
            List<byte[][]> multi = null;
            long validBeforeMulti = 0;
            while (true) {
                byte[][] argv;
                long before = r.validUpTo();
                try {
                    argv = r.next();
                } catch (AofCommandReader.Truncated e) {
                    return truncated(path, name, last, multi != null ? validBeforeMulti : r.validUpTo());
                } catch (AofCommandReader.BadFormat e) {
                    throw new AofException("Bad file format reading the append only file " + name
                            + ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
                }
                if (argv == null) break;
                // MULTI/EXEC (Redis wraps some propagated groups in them) are handled here: a
                // transaction cut off by the end of the file is dropped as a whole.
                if (isWord(argv[0], "multi")) {
                    validBeforeMulti = before;
                    multi = new ArrayList<>();
                    continue;
                }
                if (isWord(argv[0], "exec") && multi != null) {
                    List<byte[][]> tx = multi;
                    pipe.apply(() -> {
                        for (byte[][] q : tx) execute(client, q);
                    });
                    multi = null;
                    persistence.loadingProgress(offset + r.validUpTo());
                    continue;
                }
                if (server.commands().lookup(argv[0]) == null) {
                    throw new AofException("Unknown command '" + new String(argv[0], StandardCharsets.ISO_8859_1)
                            + "' reading the append only file " + name);
                }
                if (multi != null) {
                    multi.add(argv);
                } else {
                    byte[][] cmd = argv;
                    pipe.apply(() -> execute(client, cmd));
                }
                persistence.loadingProgress(offset + r.validUpTo());
                persistence.keyLoadDelay();
            }
            if (multi != null) {
                log.warning("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
                return truncated(path, name, last, validBeforeMulti);
            }
        } finally {
            pipe.apply(() -> server.removeClient(client));
        }
        return false;
    }

    private static boolean isWord(byte[] a, String lower) {
        return new String(a, StandardCharsets.ISO_8859_1).equalsIgnoreCase(lower);
    }

    private long loadRdbPart(Path path, long size, String name, boolean oldStyle, io.vermilion.persistence.LoadPipe pipe,
            long offset) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            RdbReader r = new RdbReader(new RdbSource.Stream(in, size), persistence.codec(), config.getBool("rdbchecksum"));
            RdbLoader loader = new RdbLoader(server.keyspace(), log, true);
            r.read(persistence.piped(loader, pipe, r, offset));
            pipe.flush();
            return r.position();
        } catch (RdbException e) {
            throw new AofException((oldStyle ? "Error reading the RDB preamble of the AOF file " : "Error reading the RDB base file ")
                    + name + ", AOF loading aborted: " + e.getMessage(), e);
        }
    }

    private boolean truncated(Path path, String name, boolean last, long validUpTo) throws IOException {
        if (config.getBool("aof-load-truncated") && last) {
            log.warning("!!! Warning: short read while loading the AOF file " + name + "!!!");
            log.warning("!!! Truncating the AOF " + name + " at offset " + validUpTo + " !!!");
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate(validUpTo);
                ch.force(true);
            }
            log.warning("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
            return true;
        }
        if (!last && config.getBool("aof-load-truncated")) {
            throw new AofException("Fatal error: the truncated file is not the last file");
        }
        throw new AofException("Unexpected end of file reading the append only file " + name + ". You can: "
                + "1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
                + "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
    }

    /** Runs a logged command directly through its handler, as Redis's AOF client does (no checks). */
    private void execute(Client c, byte[][] argv) {
        CommandSpec spec = server.commands().lookup(argv[0]);
        if (spec.isContainer() && argv.length >= 2) {
            CommandSpec sub = spec.subcommands().get(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase());
            if (sub != null) spec = sub;
        }
        if ((spec.arity() > 0 && argv.length != spec.arity()) || argv.length < -spec.arity()) {
            log.warning("Skipping '" + spec.fullName() + "' with a wrong number of arguments in the append only file");
            return;
        }
        try {
            spec.handler().execute(c, argv);
        } catch (RuntimeException e) {
            log.warning("Error replaying '" + spec.fullName() + "' from the append only file: " + e);
        }
        c.reply().buffer().clear();
    }

    /** After loading: a base if the dataset starts empty, the last incr file opened for appending. */
    private void openOnServerStart() throws IOException {
        Files.createDirectories(dir());
        int incrBefore = manifest.incr().size();
        if (manifest.isEmpty()) {
            String base = manifest.newBase(fileName(), config.getBool("aof-use-rdb-preamble"));
            rewriteNow(dir().resolve(base));
            log.notice("Creating AOF base file " + base + " on server start");
        }
        String name = manifest.lastIncr(fileName());
        Path p = dir().resolve(name);
        fc = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        persistManifest(manifest);
        lastIncrSize = fc.size();
        lastIncrFsyncOffset = lastIncrSize;
        if (currentSize == 0) currentSize = totalSize();
        if (rewriteBaseSize == 0 && manifest.base() != null) rewriteBaseSize = fileSize(manifest.base().name());
        log.notice((incrBefore > 0 ? "Opening" : "Creating") + " AOF incr file " + name + " on server start");
    }

    private long fileSize(String name) {
        try {
            return Files.size(dir().resolve(name));
        } catch (IOException e) {
            return 0;
        }
    }

    private long totalSize() {
        long t = manifest.base() == null ? 0 : fileSize(manifest.base().name());
        for (AofManifest.Info i : manifest.incr()) t += fileSize(i.name());
        return t;
    }

    /** Writes the manifest atomically (temp file, fsync, rename, fsync of the directory). */
    private void persistManifest(AofManifest m) throws IOException {
        if (!m.dirty()) return;
        Path tmp = dir().resolve("temp-" + fileName() + AofManifest.SUFFIX);
        Path dst = dir().resolve(fileName() + AofManifest.SUFFIX);
        byte[] text = m.format().getBytes(StandardCharsets.ISO_8859_1);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bb = ByteBuffer.wrap(text);
            while (bb.hasRemaining()) ch.write(bb);
            ch.force(true);
        }
        CrashPoint.here("aof-manifest-temp-written");
        Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(dir());
        m.clean();
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not supported everywhere; the rename is still journaled
        }
    }

    private void deleteHistoryFiles() throws IOException {
        if (config.getBool("aof-disable-auto-gc") || manifest.history().isEmpty()) return;
        for (AofManifest.Info h : manifest.history()) {
            log.notice("Removing the history file " + h.name() + " in the background");
            Files.deleteIfExists(dir().resolve(h.name()));
        }
        manifest.clearHistory();
        persistManifest(manifest);
    }

    // ================================================================== appending

    @Override
    public void propagate(int db, byte[][] argv) {
        if (state == State.OFF || (state == State.WAIT_REWRITE && !rewriteInProgress())) return;
        if (timestamps) {
            long now = nowSec();
            if (curTimestamp < now) {
                curTimestamp = now;
                append(("#TS:" + now + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (db != selectedDb) {
            appendCommand(new byte[][] {SELECT, Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
            selectedDb = db;
        }
        appendCommand(argv);
    }

    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    /** Encodes one command in RESP straight into the buffer (*argc, then $len and bytes per argument). */
    private void appendCommand(byte[][] argv) {
        long need = 16;
        for (byte[] a : argv) need += a.length + 16;
        if (bufLen + need > buf.length) {
            if (bufLen + need > Integer.MAX_VALUE - 16) throw new IllegalStateException("AOF buffer too large");
            buf = Arrays.copyOf(buf, (int) Math.max(buf.length * 2L, bufLen + need));
        }
        byte[] b = buf;
        int p = bufLen;
        b[p++] = '*';
        p = putInt(b, p, argv.length);
        for (byte[] a : argv) {
            b[p++] = '$';
            p = putInt(b, p, a.length);
            System.arraycopy(a, 0, b, p, a.length);
            p += a.length;
            b[p++] = '\r';
            b[p++] = '\n';
        }
        bufLen = p;
    }

    /** Writes n (non-negative) in decimal followed by CRLF; returns the new position. */
    private static int putInt(byte[] b, int p, int n) {
        if (n < 10) {
            b[p++] = (byte) ('0' + n);
        } else {
            int digits = 1;
            for (int t = n / 10; t > 0; t /= 10) digits++;
            int end = p + digits;
            for (int i = end - 1; i >= p; i--) {
                b[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
            p = end;
        }
        b[p++] = '\r';
        b[p++] = '\n';
        return p;
    }

    private void append(byte[] b) {
        if (bufLen + b.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, bufLen + b.length));
        System.arraycopy(b, 0, buf, bufLen, b.length);
        bufLen += b.length;
    }

    @Override
    public boolean pending() {
        return state != State.OFF && (bufLen > 0 || (always() && lastIncrFsyncOffset != lastIncrSize));
    }

    @Override
    public void sync() {
        flush(false);
    }

    /**
     * Writes the buffer to the current incr file and fsyncs as the policy says (Redis's
     * flushAppendOnlyFile). A failed write under "always" is fatal, as in Redis: a reply that
     * acknowledges the write may be about to leave.
     */
    public void flush(boolean force) {
        if (fc == null) return;
        if (bufLen > 0) {
            try {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, bufLen);
                while (bb.hasRemaining()) fc.write(bb);
            } catch (IOException e) {
                long now = nowSec();
                if (now - lastWriteErrorLogSec > 30) {
                    lastWriteErrorLogSec = now;
                    log.warning("Error writing to the AOF file: " + e.getMessage());
                }
                if (always()) {
                    log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
                    Runtime.getRuntime().halt(1);
                }
                lastWriteOk = false;
                return;
            }
            if (!lastWriteOk) {
                log.warning("AOF write error looks solved, Redis can write again.");
                lastWriteOk = true;
            }
            currentSize += bufLen;
            lastIncrSize += bufLen;
            if (buf.length > 64 * 1024) buf = new byte[16 * 1024];
            bufLen = 0;
        } else if (!(everysec() && lastIncrFsyncOffset != lastIncrSize && nowSec() > lastFsyncSec && fsyncsPending.get() == 0)
                && !(always() && lastIncrFsyncOffset != lastIncrSize)) {
            return;
        }
        if (config.getBool("no-appendfsync-on-rewrite") && persistence.childActive()) return;
        if (always()) {
            try {
                fc.force(false);
            } catch (IOException e) {
                log.warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': " + e.getMessage()
                        + ". Exiting...");
                Runtime.getRuntime().halt(1);
            }
            lastIncrFsyncOffset = lastIncrSize;
            lastFsyncSec = nowSec();
        } else if (everysec() && nowSec() > lastFsyncSec) {
            if (fsyncsPending.get() == 0) {
                FileChannel ch = fc;
                fsyncsPending.incrementAndGet();
                fsyncer.execute(() -> {
                    try {
                        ch.force(false);
                    } catch (IOException e) {
                        log.warning("Fail to fsync the AOF file: " + e.getMessage());
                    } finally {
                        fsyncsPending.decrementAndGet();
                    }
                });
                lastIncrFsyncOffset = lastIncrSize;
            }
            lastFsyncSec = nowSec();
        }
    }

    // ================================================================== rewrite

    /** What BGREWRITEAOF replies. */
    public enum RewriteResult { STARTED, SCHEDULED, ALREADY_IN_PROGRESS, FAILED }

    public RewriteResult bgrewriteaof() {
        if (rewriteInProgress()) return RewriteResult.ALREADY_IN_PROGRESS;
        if (persistence.childActive()) {
            rewriteScheduled = true;
            consecutiveFailures = 0;
            return RewriteResult.SCHEDULED;
        }
        return rewriteBackground() ? RewriteResult.STARTED : RewriteResult.FAILED;
    }

    /**
     * Starts a background rewrite: the current incr file is closed off and a new one opened, and a
     * snapshot taken at that same instant becomes the next base.
     */
    public boolean rewriteBackground() {
        if (persistence.childActive()) return false;
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            log.warning("Can't open or create append-only dir " + config.get("appenddirname") + ": " + e.getMessage());
            lastBgrewriteOk = false;
            return false;
        }
        selectedDb = -1;
        flush(true);
        if (!openNewIncrForAppend()) {
            lastBgrewriteOk = false;
            return false;
        }
        rewrites++;
        Path tmp = config.resolve("temp-rewriteaof-bg-" + ProcessHandle.current().pid() + ".aof");
        rewriteTemp = tmp;
        SnapshotSave.Target target = new SnapshotSave.Target() {
            private RdbSink.File sink;

            @Override public RdbSink open() throws IOException {
                sink = new RdbSink.File(tmp);
                return sink;
            }

            @Override public void commit() throws IOException {
                sink.sync();
                sink.close();
                log.notice("Successfully created the temporary AOF base file " + tmp.getFileName());
                CrashPoint.here("aof-base-written");
            }

            @Override public void abort() {
                try {
                    if (sink != null) sink.close();
                } catch (IOException ignored) {
                    // deleting it anyway
                }
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        };
        rewrite = SnapshotSave.start(server, persistence.codec(), this::baseFormat, target, this::rewriteDone);
        rewriteScheduled = false;
        rewriteStartSec = nowSec();
        log.notice("Background append only file rewriting started by pid " + ProcessHandle.current().pid());
        return true;
    }

    private SnapshotSave.Format baseFormat(io.vermilion.keyspace.Snapshot snap) {
        SnapshotSave.Options opt = persistence.saveOptions();
        if (config.getBool("aof-use-rdb-preamble")) return SnapshotSave.rdb(opt, persistence.auxInfo(true), snap);
        return new AofFormat(config.getBool("aof-timestamp-enabled"), opt.keySaveDelayMicros(), snap.functions());
    }

    /** A base written in the foreground (server start with an empty AOF directory). */
    private void rewriteNow(Path target) throws IOException {
        Path tmp = config.resolve("temp-rewriteaof-" + ProcessHandle.current().pid() + ".aof");
        try (RdbSink.File sink = new RdbSink.File(tmp)) {
            SnapshotSave.writeNow(server.keyspace(), this::baseFormat, sink);
            sink.sync();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("Write error writing append only file on disk: " + e.getMessage(), e);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(dir());
    }

    private boolean openNewIncrForAppend() {
        if (state == State.OFF) return true;
        AofManifest temp = null;
        String name;
        if (state == State.WAIT_REWRITE) {
            name = "temp-" + fileName() + ".incr";
        } else {
            temp = manifest.copy();
            name = temp.newIncr(fileName());
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(dir().resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            log.warning("Can't open the append-only file " + name + ": " + e.getMessage());
            return false;
        }
        CrashPoint.here("aof-incr-opened");
        if (temp != null) {
            try {
                persistManifest(temp);
            } catch (IOException e) {
                log.warning("Can't persist the AOF manifest: " + e.getMessage());
                closeQuietly(ch);
                return false;
            }
        }
        log.notice("Creating AOF incr file " + name + " on background rewrite");
        if (fc != null) {
            FileChannel old = fc;
            fsyncer.execute(() -> {
                try {
                    old.force(false);
                } catch (IOException ignored) {
                    // the next rewrite covers it
                }
                closeQuietly(old);
            });
            lastFsyncSec = nowSec();
        }
        fc = ch;
        lastIncrSize = 0;
        lastIncrFsyncOffset = 0;
        if (temp != null) manifest = temp;
        return true;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void rewriteDone(Throwable error) {
        try {
            if (error == null) {
                rewriteSucceeded();
            } else if (error instanceof CancellationException) {
                log.warning("Background AOF rewrite terminated by cancellation");
            } else {
                lastBgrewriteOk = false;
                consecutiveFailures++;
                log.warning("Background AOF rewrite terminated with error: " + error);
            }
        } finally {
            try {
                if (rewriteTemp != null) Files.deleteIfExists(rewriteTemp);
            } catch (IOException ignored) {
                // best effort
            }
            if (state == State.WAIT_REWRITE) {
                bufLen = 0;
                try {
                    Files.deleteIfExists(dir().resolve("temp-" + fileName() + ".incr"));
                } catch (IOException ignored) {
                    // best effort
                }
                rewriteScheduled = true;
            }
            rewriteTimeLast = nowSec() - rewriteStartSec;
            rewriteStartSec = -1;
        }
    }

    private void rewriteSucceeded() {
        log.notice("Background AOF rewrite terminated with success");
        AofManifest temp = manifest.copy();
        String base = temp.newBase(fileName(), config.getBool("aof-use-rdb-preamble"));
        Path basePath = dir().resolve(base);
        try {
            Files.move(rewriteTemp, basePath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warning("Error trying to rename the temporary AOF base file " + rewriteTemp.getFileName() + " into "
                    + base + ": " + e.getMessage());
            lastBgrewriteOk = false;
            consecutiveFailures++;
            return;
        }
        log.notice("Successfully renamed the temporary AOF base file " + rewriteTemp.getFileName() + " into " + base);
        CrashPoint.here("aof-base-renamed");
        Path newIncrPath = null;
        if (state == State.WAIT_REWRITE) {
            String tempIncr = "temp-" + fileName() + ".incr";
            String incr = temp.newIncr(fileName());
            newIncrPath = dir().resolve(incr);
            try {
                flush(true);
                Files.move(dir().resolve(tempIncr), newIncrPath, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                log.warning("Error trying to rename the temporary AOF incr file " + tempIncr + " into " + incr + ": "
                        + e.getMessage());
                quietDelete(basePath);
                lastBgrewriteOk = false;
                consecutiveFailures++;
                return;
            }
            log.notice("Successfully renamed the temporary AOF incr file " + tempIncr + " into " + incr);
            CrashPoint.here("aof-incr-renamed");
        }
        temp.markRewrittenIncrAsHistory(fc != null);
        try {
            persistManifest(temp);
        } catch (IOException e) {
            log.warning("Can't persist the AOF manifest: " + e.getMessage());
            quietDelete(basePath);
            if (newIncrPath != null) quietDelete(newIncrPath);
            lastBgrewriteOk = false;
            consecutiveFailures++;
            return;
        }
        manifest = temp;
        CrashPoint.here("aof-manifest-written");
        if (state != State.OFF) {
            currentSize = fileSize(base) + lastIncrSize;
            rewriteBaseSize = currentSize;
        }
        try {
            deleteHistoryFiles();
        } catch (IOException e) {
            log.warning("Failed removing AOF history files: " + e.getMessage());
        }
        lastBgrewriteOk = true;
        consecutiveFailures = 0;
        log.notice("Background AOF rewrite finished successfully");
        if (state == State.WAIT_REWRITE) state = State.ON;
    }

    private static void quietDelete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Stops a running rewrite and removes its temp file. */
    public void killRewrite() {
        if (!rewriteInProgress()) return;
        log.notice("Killing running AOF rewrite child: " + ProcessHandle.current().pid());
        rewrite.cancel();
        rewrite.awaitWriter(5000);
    }

    /** Redis's aofRewriteLimited: back off after repeated failures (1, 2, 4 ... 60 minutes). */
    private boolean rewriteLimited() {
        if (consecutiveFailures < REWRITE_LIMIT_THRESHOLD) {
            nextDelayMinutes = 0;
            nextRewriteTimeSec = 0;
            return false;
        }
        long now = nowSec();
        if (nextRewriteTimeSec != 0) {
            if (now < nextRewriteTimeSec) return true;
            nextRewriteTimeSec = 0;
            return false;
        }
        nextDelayMinutes = nextDelayMinutes == 0 ? 1 : Math.min(REWRITE_LIMIT_MAX_MINUTES, nextDelayMinutes * 2);
        nextRewriteTimeSec = now + nextDelayMinutes * 60L;
        log.warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in "
                + nextDelayMinutes + " minutes");
        return true;
    }

    // ================================================================== runtime switch, cron, shutdown

    /** CONFIG SET appendonly yes: a rewrite builds the files, commands meanwhile go to a temp incr. */
    private boolean start() {
        state = State.WAIT_REWRITE;
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            log.warning("Can't open or create append-only dir " + config.get("appenddirname") + ": " + e.getMessage());
            state = State.OFF;
            return false;
        }
        attach();
        if (persistence.childActive() && !rewriteInProgress()) {
            rewriteScheduled = true;
            log.warning("AOF was enabled but there is already another background operation. An AOF background was "
                    + "scheduled to start when possible.");
        } else {
            if (rewriteInProgress()) {
                log.warning("AOF was enabled but there is already an AOF rewriting in background. Stopping background "
                        + "AOF and starting a rewrite now.");
                killRewrite();
            }
            if (!rewriteBackground()) {
                state = State.OFF;
                detach();
                log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. "
                        + "Check the above logs for more info about the error.");
                return false;
            }
        }
        lastFsyncSec = nowSec();
        lastWriteOk = true;
        return true;
    }

    /** CONFIG SET appendonly no. */
    private void stop() {
        flush(true);
        if (fc != null) {
            try {
                fc.force(false);
            } catch (IOException e) {
                log.warning("Fail to fsync the AOF file: " + e.getMessage());
            }
            closeQuietly(fc);
            fc = null;
        }
        state = State.OFF;
        selectedDb = -1;
        rewriteScheduled = false;
        lastIncrSize = 0;
        lastIncrFsyncOffset = 0;
        killRewrite();
        bufLen = 0;
        detach();
    }

    /** Called from the server cron: fsync for everysec, scheduled and automatic rewrites. */
    public void cron() {
        if (state != State.OFF) flush(false);
        if (persistence.childActive()) return;
        if (rewriteScheduled && !rewriteLimited()) {
            rewriteBackground();
            return;
        }
        long perc = config.getLong("auto-aof-rewrite-percentage");
        if (state == State.ON && perc > 0 && currentSize > config.getLong("auto-aof-rewrite-min-size")) {
            long base = rewriteBaseSize > 0 ? rewriteBaseSize : 1;
            long growth = currentSize * 100 / base - 100;
            if (growth >= perc && !rewriteLimited()) {
                log.notice("Starting automatic rewriting of AOF on " + growth + "% growth");
                rewriteBackground();
            }
        }
    }

    /** SHUTDOWN: stop a rewrite, write and fsync what is buffered. */
    public void prepareShutdown() {
        killRewrite();
        if (state != State.OFF && fc != null) {
            log.notice("Calling fsync() on the AOF file.");
            flush(true);
            try {
                fc.force(true);
            } catch (IOException e) {
                log.warning("Fail to fsync the AOF file: " + e.getMessage());
            }
        }
    }

    /** Node stop without SHUTDOWN (in-process nodes): flush, close, stop the fsync thread. */
    public void close() {
        prepareShutdown();
        if (fc != null) closeQuietly(fc);
        fc = null;
        state = State.OFF;
        fsyncer.shutdown();
    }

    // ================================================================== INFO

    public long rewriteStartSec() { return rewriteStartSec; }
    public boolean rewriteScheduled() { return rewriteScheduled; }
    public long rewriteTimeLast() { return rewriteTimeLast; }
    public long currentRewriteTimeSec() { return rewriteInProgress() ? nowSec() - rewriteStartSec : -1; }
    public boolean lastBgrewriteOk() { return lastBgrewriteOk; }
    public long rewrites() { return rewrites; }
    public long consecutiveFailures() { return consecutiveFailures; }
    public boolean lastWriteOk() { return lastWriteOk; }
    public long currentSize() { return currentSize; }
    public long baseSize() { return rewriteBaseSize; }
    public long bufferLength() { return bufLen; }
    public long pendingFsyncs() { return fsyncsPending.get(); }
    public long delayedFsync() { return delayedFsync; }
    public long rewriteKeysWritten() { return rewriteInProgress() ? rewrite.keysWritten() : 0; }
    public long rewriteKeysTotal() { return rewriteInProgress() ? rewrite.keysTotal() : 0; }
}
