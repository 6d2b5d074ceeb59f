package io.vermilion.cluster.runtime;

import io.vermilion.cluster.NodesConfException;
import io.vermilion.cluster.NodesConfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's own cluster config file (nodes.conf): locked for the node's lifetime so two nodes
 * never share one, read once at start, rewritten atomically on every change Redis persists.
 *
 * <p>Locking: the file is locked with {@link FileChannel#tryLock()} (an OS lock, so a second
 * Vermilion process fails at start as a second Redis would). A small file is rewritten in place
 * through the locking channel, as Redis does; a large one is replaced (temp file renamed over the
 * old one, which gives the name a new inode; the lock is then taken on the new file before the
 * old one is let go). Several nodes can run in one JVM (tests), where OS locks
 * do not tell channels apart, so the JVM also keeps the set of files its nodes hold. The locked
 * file is read through the locking channel itself, because closing any other channel on it would
 * drop the lock.
 */
final class ClusterConfigFile {
    /** Files held by nodes in this JVM (OS locks are per process). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final String configuredName;
    private final Path path;
    private Path key;
    private FileChannel channel;
    private FileLock lock;

    ClusterConfigFile(String configuredName, Path path) {
        this.configuredName = configuredName;
        this.path = path.toAbsolutePath().normalize();
    }

    Path path() {
        return path;
    }

    /** Creates the file if needed and locks it, or explains why it cannot. */
    void lock() throws ClusterStartupException {
        key = path;
        if (!HELD.add(key)) throw alreadyUsed();
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            HELD.remove(key);
            throw new ClusterStartupException("Can't open " + configuredName + " in order to acquire a lock: " + reason(e), e);
        }
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly();
            HELD.remove(key);
            throw new ClusterStartupException("Impossible to lock " + configuredName + ": " + reason(e), e);
        }
        if (lock == null) {
            closeQuietly();
            HELD.remove(key);
            throw alreadyUsed();
        }
    }

    private ClusterStartupException alreadyUsed() {
        return new ClusterStartupException("Sorry, the cluster configuration file " + configuredName
                + " is already used by a different Redis Cluster node. Please make sure that different nodes"
                + " use different cluster configuration files.");
    }

    /**
     * Reads the locked file: empty when it is new (zero length), as Redis treats it.
     *
     * @throws NodesConfException when it is corrupt
     */
    Optional<NodesConfFile> read() throws IOException, NodesConfException {
        long size = channel.size();
        if (size == 0) return Optional.empty();
        if (size > Integer.MAX_VALUE - 8) throw new IOException("cluster config file too large");
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) break;
            pos += n;
        }
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
        return Optional.of(NodesConfFile.parse(text));
    }

    /**
     * Files up to this size are rewritten in place: one write at offset 0 that lies within the
     * first page, which a killed process cannot leave half done (the kernel copies a page or
     * returns before it). Larger files, which a kill could tear between pages, are replaced.
     */
    static final int IN_PLACE_MAX = 4096;

    /**
     * Saves the file so that a process crash at any moment leaves either the old or the new
     * content. Up to {@link #IN_PLACE_MAX} bytes (old and new), as Redis 7.0 does: the new text,
     * padded with newlines to the old length (the loader skips blank lines), written in place
     * through the locked channel, then truncated, then fsynced when asked. This costs microseconds;
     * a rename over the old file costs milliseconds on ext4 (it flushes the new file's blocks and
     * frees the old inode), and a reshard saves nodes.conf several times per slot on every node.
     * Larger files: atomic replace (temp file, rename; fsync of both when asked), then the lock
     * moves to the new file.
     */
    void write(NodesConfFile conf, boolean fsync) throws IOException {
        byte[] bytes = conf.renderBytes();
        long size = channel.size();
        if (bytes.length <= IN_PLACE_MAX && size <= IN_PLACE_MAX) {
            writeInPlace(bytes, (int) size, fsync);
            return;
        }
        conf.write(path, fsync);
        FileChannel fresh = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock freshLock;
        try {
            freshLock = fresh.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            freshLock = null;
        }
        FileChannel old = channel;
        channel = fresh;
        lock = freshLock;
        // The old channel points at the replaced inode: closing it releases only that lock.
        try {
            old.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }

    private void writeInPlace(byte[] bytes, int oldLength, boolean fsync) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.max(bytes.length, oldLength));
        buf.put(bytes);
        while (buf.hasRemaining()) buf.put((byte) '\n');
        buf.flip();
        while (buf.hasRemaining()) channel.write(buf, buf.position());
        io.vermilion.util.CrashPoint.here("nodes-conf-written");
        if (oldLength > bytes.length) channel.truncate(bytes.length);
        if (fsync) channel.force(true);
    }

    void close() {
        closeQuietly();
        if (key != null) HELD.remove(key);
    }

    private void closeQuietly() {
        try {
            if (lock != null && lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // closing below releases it anyway
        }
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
        lock = null;
        channel = null;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
