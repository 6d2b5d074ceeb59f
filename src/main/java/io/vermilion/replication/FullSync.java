package io.vermilion.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.DefaultFileRegion;
import io.vermilion.persistence.SnapshotSave;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.persistence.rdb.RdbWriter;
import io.vermilion.server.Client;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One full synchronization: a fork-less snapshot ({@link SnapshotSave}) of the dataset at the
 * instant the sync offset is taken, sent to one or more replicas either as a file
 * ({@code $<len>}, repl-diskless-sync no: written to a temp file in {@code dir}, then sent with
 * sendfile) or straight to the sockets ({@code $EOF:<40 random chars>} ... mark, diskless). The
 * stream produced meanwhile is kept per replica ({@link ReplicaConn#stream}) and sent after the
 * RDB, so the master keeps serving writes throughout.
 */
final class FullSync {
    final Replication repl;
    final boolean diskless;
    final List<ReplicaConn> members = new ArrayList<>();
    private final long createdMs = System.currentTimeMillis();
    private SnapshotSave save;
    private long offset;
    private Path file;
    boolean started;
    boolean sending;
    private byte[] mark;
    private static int seq;

    private FullSync(Replication repl, boolean diskless) {
        this.repl = repl;
        this.diskless = diskless;
    }

    /** A replica needs a full sync: join a sync that can take it, or start/schedule one. */
    static void request(Replication repl, ReplicaConn r) {
        boolean diskless = repl.config.getBool("repl-diskless-sync") && r.capaEof;
        r.state = ReplicaConn.State.WAIT_START;
        if (!diskless) {
            // A disk sync whose snapshot is still being written can take another replica: it gets
            // the same file and a copy of what the first one kept of the stream since (Redis).
            for (FullSync s : repl.syncs) {
                if (!s.diskless && s.started && !s.sending && !s.members.isEmpty()) {
                    ReplicaConn first = s.members.get(0);
                    s.members.add(r);
                    r.sync = s;
                    r.copyPending(first);
                    r.state = ReplicaConn.State.WAIT_END;
                    s.sendFullResync(r);
                    repl.log.notice("Waiting for end of BGSAVE for SYNC");
                    return;
                }
            }
            FullSync s = new FullSync(repl, false);
            s.members.add(r);
            r.sync = s;
            s.start();
            return;
        }
        if (repl.waitingDiskless == null) repl.waitingDiskless = new FullSync(repl, true);
        FullSync s = repl.waitingDiskless;
        s.members.add(r);
        r.sync = s;
        long delay = repl.config.getLong("repl-diskless-sync-delay");
        long max = repl.config.getLong("repl-diskless-sync-max-replicas");
        if (delay == 0 || (max > 0 && s.members.size() >= max)) {
            s.maybeStart(Long.MAX_VALUE);
        } else {
            repl.log.notice("Delay next BGSAVE for diskless SYNC");
            // Checked by the cron every second, and once exactly when the delay ends.
            repl.server.loop().schedule(() -> {
                if (repl.waitingDiskless == s) s.maybeStart(System.currentTimeMillis());
            }, delay * 1000 + 5, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** A diskless sync starts once its delay has passed (or at once when asked). */
    void maybeStart(long now) {
        if (started) return;
        if (members.isEmpty()) {
            if (repl.waitingDiskless == this) repl.waitingDiskless = null;
            return;
        }
        // Only one diskless transfer at a time: the next one waits for it (as Redis's single child).
        for (FullSync s : repl.syncs) if (s.diskless && s.save != null && s.save.running()) return;
        long delay = repl.config.getLong("repl-diskless-sync-delay") * 1000;
        long max = repl.config.getLong("repl-diskless-sync-max-replicas");
        if (now != Long.MAX_VALUE && now - createdMs < delay && !(max > 0 && members.size() >= max)) return;
        if (repl.waitingDiskless == this) repl.waitingDiskless = null;
        start();
    }

    private void sendFullResync(ReplicaConn r) {
        if (!r.psync) return; // the old SYNC gets the bulk only
        Channel ch = r.client.channel();
        if (ch == null) return;
        byte[] line = ("+FULLRESYNC " + repl.replId + " " + offset + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ch.writeAndFlush(Unpooled.wrappedBuffer(line));
    }

    /** T0: the offset is taken, +FULLRESYNC sent, the snapshot starts. */
    private void start() {
        started = true;
        repl.flushBatch();
        offset = repl.masterReplOffset;
        repl.syncs.add(this);
        // Force a SELECT before the next command: the replica's master client starts in db 0.
        repl.slaveSelDb = -1;
        for (ReplicaConn r : members) {
            r.state = ReplicaConn.State.WAIT_END;
            sendFullResync(r);
        }
        RdbWriter.AuxInfo base = repl.persistence.auxInfo(false);
        RdbWriter.AuxInfo aux = new RdbWriter.AuxInfo(base.redisVersion(), base.ctimeSec(), base.usedMem(), false,
                new RdbWriter.ReplInfo(0, repl.replId, offset));
        SnapshotSave.Target target = diskless ? socketTarget() : fileTarget();
        repl.log.notice("Starting BGSAVE for SYNC with target: " + (diskless ? "replicas sockets" : "disk"));
        save = SnapshotSave.start(repl.server, repl.persistence.saveOptions(), aux, target, this::done);
    }

    // ------------------------------------------------------------------ disk

    private SnapshotSave.Target fileTarget() {
        file = repl.config.resolve("temp-repl-" + ProcessHandle.current().pid() + "-" + (++seq) + ".rdb");
        Path f = file;
        return new SnapshotSave.Target() {
            private RdbSink.File sink;

            @Override public RdbSink open() throws IOException {
                sink = new RdbSink.File(f);
                return sink;
            }

            @Override public void commit() throws IOException {
                sink.close();
            }

            @Override public void abort() {
                try {
                    if (sink != null) sink.close();
                } catch (IOException ignored) {
                    // closing a file we delete
                }
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        };
    }

    // ------------------------------------------------------------------ diskless

    private SnapshotSave.Target socketTarget() {
        mark = Replication.randomId().getBytes(StandardCharsets.US_ASCII);
        List<Channel> chans = new ArrayList<>();
        for (ReplicaConn r : members) if (r.client.channel() != null) chans.add(r.client.channel());
        return new SnapshotSave.Target() {
            private SocketSink sink;

            @Override public RdbSink open() throws IOException {
                sink = new SocketSink(chans);
                byte[] head = ("$EOF:" + new String(mark, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                sink.write(head, 0, head.length);
                return sink;
            }

            @Override public void commit() throws IOException {
                sink.write(mark, 0, mark.length);
                sink.flush();
            }

            @Override public void abort() {
                // The replicas' connections are closed by done().
            }
        };
    }

    /** Writes the RDB to the replicas' sockets from the writer thread, holding back while they are slow. */
    private static final class SocketSink implements RdbSink {
        private final List<Channel> chans;
        private ByteBuf cur = Unpooled.buffer(64 * 1024);

        SocketSink(List<Channel> chans) { this.chans = chans; }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, cur.writableBytes());
                cur.writeBytes(b, off, n);
                off += n;
                len -= n;
                if (!cur.isWritable()) send();
            }
        }

        @Override public void flush() throws IOException { send(); }

        private void send() throws IOException {
            if (cur.readableBytes() == 0) return;
            boolean any = false;
            for (Channel ch : chans) {
                if (!ch.isActive()) continue;
                any = true;
                ch.writeAndFlush(cur.retainedDuplicate());
            }
            cur.release();
            cur = Unpooled.buffer(64 * 1024);
            if (!any) throw new IOException("all replicas dropped");
            // Back-pressure: wait while a replica's socket cannot take more.
            while (true) {
                boolean blocked = false;
                for (Channel ch : chans) if (ch.isActive() && !ch.isWritable()) blocked = true;
                if (!blocked) break;
                if (Thread.interrupted()) throw new java.io.InterruptedIOException("sync cancelled");
                LockSupport.parkNanos(200_000);
            }
        }
    }

    // ------------------------------------------------------------------ end

    /** A member's connection closed: the others go on; with none left the snapshot stops. */
    void memberGone(ReplicaConn r) {
        members.remove(r);
        if (members.isEmpty() && save != null && save.running() && !sending) save.cancel();
    }

    /** On the command thread: the snapshot is written (error null) or failed. */
    private void done(Throwable error) {
        if (error != null) {
            repl.syncs.remove(this);
            if (!(error instanceof CancellationException)) {
                repl.log.warning("Background " + (diskless ? "RDB transfer" : "saving") + " error: " + error);
            }
            for (ReplicaConn r : List.copyOf(members)) r.client.kill();
            deleteFile();
            startNext();
            return;
        }
        repl.log.notice("Background " + (diskless ? "RDB transfer" : "saving") + " terminated with success");
        if (diskless) {
            repl.syncs.remove(this);
            for (ReplicaConn r : List.copyOf(members)) {
                repl.log.notice("Streamed RDB transfer with replica " + r.describe()
                        + " succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming");
                // As Redis: the stream starts at the replica's first ACK, once it has loaded (the
                // EOF-marked RDB has no length, so nothing may follow it before then).
                r.rdbSent(true);
            }
            startNext();
            return;
        }
        sendFile();
    }

    private void sendFile() {
        sending = true;
        repl.syncs.remove(this);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            repl.log.warning("SYNC failed. Can't open/stat DB after BGSAVE: " + e);
            for (ReplicaConn r : List.copyOf(members)) r.client.kill();
            deleteFile();
            return;
        }
        List<ReplicaConn> targets = List.copyOf(members);
        AtomicInteger left = new AtomicInteger(targets.size() + 1);
        Runnable release = () -> { if (left.decrementAndGet() == 0) deleteFile(); };
        for (ReplicaConn r : targets) {
            Client c = r.client;
            Channel ch = c.channel();
            if (ch == null || !ch.isActive()) {
                release.run();
                continue;
            }
            try {
                FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
                ch.write(Unpooled.wrappedBuffer(("$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII)));
                if (ch.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null) {
                    // TLS cannot send a FileRegion: copy the file in chunks; the replica goes online
                    // (its stream follows) once the last chunk is written, so nothing overtakes the RDB.
                    writeChunks(ch, fc, 0, size, ok -> {
                        release.run();
                        if (ok) r.rdbSent(false);
                        else if (ch.isActive()) c.kill(); // (a closed one was removed already)
                    });
                    continue;
                }
                ch.writeAndFlush(new DefaultFileRegion(fc, 0, size)).addListener(f -> release.run());
            } catch (IOException e) {
                release.run();
                c.kill();
                continue;
            }
            r.rdbSent(false);
        }
        release.run();
        startNext();
    }

    /** Writes [pos, size) of fc in 64 KB buffers, 1 MB at a time, then tells done (and closes fc). */
    private static void writeChunks(Channel ch, FileChannel fc, long pos, long size,
            java.util.function.Consumer<Boolean> done) {
        long end = Math.min(size, pos + (1L << 20));
        io.netty.channel.ChannelFuture last = null;
        try {
            while (pos < end) {
                int n = (int) Math.min(64 * 1024, end - pos);
                io.netty.buffer.ByteBuf b = ch.alloc().buffer(n);
                int read = b.writeBytes(fc, pos, n);
                if (read <= 0) {
                    b.release();
                    throw new IOException("short read of the RDB file");
                }
                pos += read;
                last = ch.write(b);
            }
        } catch (IOException e) {
            closeQuietly(fc);
            done.accept(false);
            return;
        }
        ch.flush();
        long next = pos;
        if (last == null) {
            closeQuietly(fc);
            done.accept(true);
            return;
        }
        last.addListener(f -> {
            if (!f.isSuccess()) {
                closeQuietly(fc);
                done.accept(false);
            } else if (next >= size) {
                closeQuietly(fc);
                done.accept(true);
            } else {
                writeChunks(ch, fc, next, size, done);
            }
        });
    }

    private static void closeQuietly(FileChannel fc) {
        try {
            fc.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    private void deleteFile() {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** Replicas that waited while a diskless sync ran get theirs now. */
    private void startNext() {
        FullSync w = repl.waitingDiskless;
        if (w != null) w.maybeStart(System.currentTimeMillis());
    }
}
