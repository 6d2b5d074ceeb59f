package io.vermilion.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster config file ({@code nodes.conf}) in Redis 7.0's format: one
 * {@link ClusterNodesFormat} line per node followed by
 * {@code vars currentEpoch <n> lastVoteEpoch <m>}.
 *
 * <p>Reading follows Redis's loader: blank lines are skipped, the {@code vars} line may appear
 * anywhere and unknown variables in it are ignored, exactly one line must carry {@code myself}.
 * Values are kept as written (Redis replaces ping/pong times with "now" and zeroes a replica's
 * epoch when loading; that is the caller's business, so that re-rendering is lossless).
 *
 * @param nodes         node lines in file order
 * @param currentEpoch  unsigned 64-bit
 * @param lastVoteEpoch unsigned 64-bit
 */
public record NodesConfFile(List<ClusterNodeInfo> nodes, long currentEpoch, long lastVoteEpoch) {

    public NodesConfFile {
        nodes = List.copyOf(nodes);
    }

    /** The node flagged {@code myself}. */
    public ClusterNodeInfo myself() {
        for (ClusterNodeInfo n : nodes) if (n.isMyself()) return n;
        throw new IllegalStateException("no myself node");
    }

    /**
     * The file text. Nodes in handshake are left out, as Redis leaves them out of nodes.conf (their
     * ids are random placeholders that mean nothing after a restart).
     */
    public String render() {
        return renderLatin1().toString();
    }

    /** The file's bytes, as {@link #render} gives its text. */
    public byte[] renderBytes() {
        return renderLatin1().toBytes();
    }

    private io.vermilion.util.Latin1Builder renderLatin1() {
        io.vermilion.util.Latin1Builder out = new io.vermilion.util.Latin1Builder(160 * nodes.size() + 64);
        for (ClusterNodeInfo n : nodes) {
            if (n.hasFlag(NodeFlags.HANDSHAKE)) continue;
            ClusterNodesFormat.appendTo(out, n);
            out.ch('\n');
        }
        out.text("vars currentEpoch ").udec(currentEpoch).text(" lastVoteEpoch ").udec(lastVoteEpoch).ch('\n');
        return out;
    }

    /** Parses file text. */
    public static NodesConfFile parse(String text) throws NodesConfException {
        List<ClusterNodeInfo> nodes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long currentEpoch = 0;
        long lastVoteEpoch = 0;
        boolean sawMyself = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            List<String> argv = ConfigArgs.split(line);
            if (argv == null) throw new NodesConfException(lineNo, "unbalanced quotes");
            // Redis pads a shrinking file with newlines before truncating it, and people edit by
            // hand: empty lines mean nothing.
            if (argv.isEmpty()) continue;
            if (argv.get(0).equalsIgnoreCase("vars")) {
                if (argv.size() % 2 == 0) {
                    throw new NodesConfException(lineNo, "vars line needs name/value pairs");
                }
                for (int j = 1; j < argv.size(); j += 2) {
                    String name = argv.get(j).toLowerCase(Locale.ROOT);
                    if (name.equals("currentepoch")) {
                        currentEpoch = epoch(argv.get(j + 1), lineNo, "currentEpoch");
                    } else if (name.equals("lastvoteepoch")) {
                        lastVoteEpoch = epoch(argv.get(j + 1), lineNo, "lastVoteEpoch");
                    }
                    // Unknown variables are skipped, as Redis does (with a warning).
                }
                continue;
            }
            ClusterNodeInfo n;
            try {
                n = ClusterNodesFormat.parseArgs(argv);
            } catch (IllegalArgumentException e) {
                throw new NodesConfException(lineNo, e.getMessage());
            }
            if (!ids.add(n.id())) throw new NodesConfException(lineNo, "duplicate node id " + n.id());
            if (n.isMyself()) {
                if (sawMyself) throw new NodesConfException(lineNo, "second node flagged myself");
                sawMyself = true;
            }
            nodes.add(n);
        }
        if (!sawMyself) throw new NodesConfException(0, "no node is flagged myself");
        return new NodesConfFile(nodes, currentEpoch, lastVoteEpoch);
    }

    private static long epoch(String s, int lineNo, String what) throws NodesConfException {
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new NodesConfException(lineNo, "bad " + what + " '" + s + "'");
        }
    }

    /**
     * Reads a nodes.conf. Like Redis, a missing or zero-length file means "no config yet" (Redis
     * creates the file empty to lock it before it has anything to write).
     */
    public static Optional<NodesConfFile> read(Path file) throws IOException, NodesConfException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length == 0) return Optional.empty();
        // Node lines are ASCII; ISO-8859-1 keeps any odd hostname byte as one char, losslessly.
        return Optional.of(parse(new String(bytes, StandardCharsets.ISO_8859_1)));
    }

    /**
     * Writes the file so that a crash at any moment leaves either the old or the new content:
     * write a temp file in the same directory, fsync it, rename it over the target, fsync the
     * directory so the rename itself is durable.
     *
     * <p>Note: Redis 7.0 instead rewrites nodes.conf in place and holds an flock on it; a rename
     * replaces the inode, so a lock must be taken on a separate file if one is wanted.
     */
    public void write(Path file) throws IOException {
        write(file, true);
    }

    /**
     * Writes the file atomically (temp file + rename): a reader or a crashed process never sees a
     * half-written file. With {@code fsync} the data and the rename are also forced to disk, which
     * survives power loss; Redis forces only for changes that must not be forgotten (epochs,
     * votes), and so do we, because a forced write costs tens of milliseconds on a real disk.
     */
    public void write(Path file, boolean fsync) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve(abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        byte[] bytes = render().getBytes(StandardCharsets.ISO_8859_1);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            if (fsync) ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        io.vermilion.util.CrashPoint.here("nodes-conf-written");
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (fsync) fsyncDirectory(dir);
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        // Opening a directory for reading and forcing it is how the JDK exposes fsync(dirfd) on
        // Linux; some platforms refuse, and there the rename is as durable as they allow.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) throw e;
        }
    }
}
