package io.vermilion.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The one allocator of TCP ports for test servers. Ports come from 20000..21999 so that the
 * cluster bus port (port + 10000) stays below 32768: above it the kernel's ephemeral ports for
 * outgoing connections can collide with bus ports at random.
 *
 * <p>A port handed out is ours: both the port and its bus port could be bound just now, so no
 * process listens there, and this JVM holds an exclusive lock on
 * {@code $TMPDIR/vermilion-it-ports/<port>}, so another test JVM on the machine (another
 * worktree's run, a CI run next to a developer's) cannot get the same port in the seconds before
 * the server binds it. A lock is let go {@value #HOLD_SECONDS} s after it was taken: by then the
 * server listens, and the bind check keeps others off. That the server answering on the port is
 * the one the test started is checked at start by {@link ServerProcess} (its {@code process_id}).
 */
public final class Ports {
    private static final int FIRST = 20000;
    private static final int LAST = 21999;
    private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "vermilion-it-ports");
    // Different forked test JVMs start at different offsets so they rarely contend for a port.
    private static int next = FIRST + (int) (ProcessHandle.current().pid() % 100) * 10;
    private static final int HOLD_SECONDS = 120;
    /** Locks this JVM holds (the OS releases them if it exits), and when each was taken. */
    private static final Map<Integer, Object> HELD = new HashMap<>();
    private static final Map<Integer, Long> TAKEN = new HashMap<>();
    private static final Object NO_LOCK = new Object();

    private Ports() {}

    /** A port (and its bus port, +10000) that is free and ours. */
    public static synchronized int free() {
        return freeRange(1);
    }

    /** The first of {@code n} consecutive ports (each with its bus port) that are free and ours. */
    public static synchronized int freeRange(int n) {
        releaseOld();
        for (int tries = 0; tries <= 2 * (LAST - FIRST); tries++) {
            if (next + n - 1 > LAST) next = FIRST;
            int base = next;
            next += n;
            boolean ok = true;
            for (int p = base; p < base + n && ok; p++) ok = claim(p);
            if (ok) return base;
        }
        throw new IllegalStateException("no " + n + " free consecutive ports in " + FIRST + ".." + LAST);
    }

    private static boolean claim(int port) {
        if (!HELD.containsKey(port)) {
            Object lock = lock(port);
            if (lock == null) return false; // another test JVM holds it
            HELD.put(port, lock);
            TAKEN.put(port, System.nanoTime());
        }
        return canBind(port) && canBind(port + 10000);
    }

    private static void releaseOld() {
        long now = System.nanoTime();
        for (var it = TAKEN.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (now - e.getValue() < HOLD_SECONDS * 1_000_000_000L) continue;
            Object l = HELD.remove(e.getKey());
            it.remove();
            if (l instanceof FileLock fl) {
                try {
                    fl.channel().close();
                } catch (IOException ignored) {
                    // released anyway when the JVM exits
                }
            }
        }
    }

    /** The lock on the port's file; null if another JVM holds it; NO_LOCK if locks cannot be made here. */
    private static Object lock(int port) {
        try {
            Files.createDirectories(LOCKS);
            FileChannel ch = FileChannel.open(LOCKS.resolve(Integer.toString(port)), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) ch.close();
            return l;
        } catch (IOException e) {
            // No lock directory (read-only tmp): the bind check alone.
            return NO_LOCK;
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
