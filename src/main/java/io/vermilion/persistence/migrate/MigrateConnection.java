package io.vermilion.persistence.migrate;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One connection to a MIGRATE target, used synchronously with a timeout on every wait (Redis's
 * connSyncWrite / connSyncReadLine): a non-blocking socket driven by its own selector, so a
 * target that stops reading or answering costs at most the timeout, never a hang.
 *
 * <p>Remembers the database last selected on it ({@link #lastDbid}), so that MIGRATE sends
 * SELECT only when needed, and when it was last used, for the idle cache eviction.
 */
public final class MigrateConnection implements Closeable {
    /** The target could not even be looked up (Redis fails before connecting: "connecting" error). */
    public static final class UnresolvedException extends IOException {
        UnresolvedException(String m) { super(m); }
    }

    /** A wait reached its timeout (Redis's ETIMEDOUT: no retry). */
    public static final class TimeoutException extends IOException {
        TimeoutException(String m) { super(m); }
    }

    /** Redis reads replies into a 1024-byte buffer: longer lines are cut to 1023 bytes. */
    static final int MAX_LINE = 1023;

    private final SocketChannel ch;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    /** Database selected on this connection by the last successful MIGRATE, -1 if unknown. */
    public long lastDbid = -1;
    long lastUseMs;

    private MigrateConnection(SocketChannel ch, Selector selector) {
        this.ch = ch;
        this.selector = selector;
        in.flip(); // empty, in read mode
    }

    /**
     * Connects to host:port, waiting at most timeoutMs. A host that does not resolve (or an empty
     * one, or a negative port: getaddrinfo refuses those) is an {@link UnresolvedException}; a
     * refused connection an ordinary IOException; no answer in time a {@link TimeoutException}.
     */
    public static MigrateConnection open(String host, int port, long timeoutMs) throws IOException {
        if (host.isEmpty() || port < 0) throw new UnresolvedException("cannot resolve " + host + ":" + port);
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UnresolvedException(e.getMessage());
        }
        // Redis passes the port to getaddrinfo as text, which keeps its low 16 bits.
        InetSocketAddress target = new InetSocketAddress(addr, port & 0xFFFF);
        SocketChannel ch = SocketChannel.open();
        Selector sel = null;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            sel = Selector.open();
            if (!ch.connect(target)) {
                SelectionKey k = ch.register(sel, SelectionKey.OP_CONNECT);
                long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
                while (!ch.finishConnect()) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) throw new TimeoutException("connect timeout");
                    sel.select(left);
                    sel.selectedKeys().clear();
                }
                k.cancel();
                sel.selectNow(); // completes the cancellation before the key is registered again
            }
            MigrateConnection c = new MigrateConnection(ch, sel);
            c.lastUseMs = System.currentTimeMillis();
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) sel.close();
            if (e instanceof java.nio.channels.UnresolvedAddressException) throw new UnresolvedException(e.toString());
            throw e;
        }
    }

    /** Writes all of buf; each wait for the socket to accept more is bounded by timeoutMs. */
    public void write(ByteBuffer buf, long timeoutMs) throws IOException {
        SelectionKey k = null;
        try {
            while (buf.hasRemaining()) {
                if (ch.write(buf) > 0) continue;
                if (k == null) k = ch.register(selector, SelectionKey.OP_WRITE);
                if (selector.select(timeoutMs) == 0) throw new TimeoutException("write timeout");
                selector.selectedKeys().clear();
            }
        } finally {
            if (k != null) {
                k.cancel();
                selector.selectNow();
            }
        }
    }

    /**
     * Reads one line without its CRLF (at most {@link #MAX_LINE} bytes kept, the rest of the line
     * skipped); each wait for data is bounded by timeoutMs. End of stream is an IOException.
     */
    public byte[] readLine(long timeoutMs) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(64);
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    byte[] out = line.toByteArray();
                    int n = out.length;
                    if (n > 0 && out[n - 1] == '\r' && n <= MAX_LINE) n--;
                    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
                }
                if (line.size() < MAX_LINE) line.write(b);
            }
            fill(timeoutMs);
        }
    }

    private void fill(long timeoutMs) throws IOException {
        in.clear();
        try {
            int n = ch.read(in);
            if (n == 0) {
                SelectionKey k = ch.register(selector, SelectionKey.OP_READ);
                try {
                    if (selector.select(timeoutMs) == 0) throw new TimeoutException("read timeout");
                    selector.selectedKeys().clear();
                } finally {
                    k.cancel();
                    selector.selectNow();
                }
                n = ch.read(in);
            }
            if (n < 0) throw new IOException("connection closed by the target");
        } finally {
            in.flip();
        }
    }

    public boolean isOpen() { return ch.isOpen(); }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
