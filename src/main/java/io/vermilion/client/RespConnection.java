package io.vermilion.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One blocking connection to a RESP server.
 *
 * <p>Commands are encoded into an internal buffer by {@link #send} and written when the buffer is
 * large, on {@link #flush()}, or implicitly by {@link #read()}; so pipelining is simply
 * {@code send(a); send(b); send(c); read(); read(); read();}. {@link #call} is send + read.
 *
 * <p>RESP3 push messages (tracking invalidations, pub/sub in RESP3) may arrive between replies. If
 * a push handler is installed they are handed to it and {@link #read()} goes on to the next reply;
 * without a handler {@link #read()} returns them like any reply (which is what a subscriber wants).
 *
 * <p>After any {@link IOException} the connection is {@linkplain #isBroken() broken}: the stream
 * position is unknown and the caller should close it. Not thread safe.
 */
public final class RespConnection implements Closeable {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int FLUSH_THRESHOLD = 64 * 1024;

    private final String host;
    private final int port;
    private final Socket socket; // null for Unix sockets and stream-backed connections
    private final Closeable resource;
    private final OutputStream out;
    private final ReplyReader reader;

    private byte[] wbuf = new byte[8 * 1024];
    private int wlen;
    private int protocol = 2;
    private boolean broken;
    private boolean closed;
    private Consumer<Reply.Push> pushHandler;

    private RespConnection(String host, int port, Socket socket, Closeable resource, InputStream in, OutputStream out) {
        this.host = host;
        this.port = port;
        this.socket = socket;
        this.resource = resource;
        this.out = out;
        this.reader = new ReplyReader(in);
    }

    /**
     * Wraps already open streams (tests, or a socket set up elsewhere). {@code resource} is closed by
     * {@link #close()}; it may be {@code null}.
     */
    public static RespConnection over(InputStream in, OutputStream out, Closeable resource) {
        return new RespConnection("", 0, null, resource, in, out);
    }

    /** Connects over TCP with a connect timeout and no read timeout. */
    public static RespConnection connect(String host, int port, int connectTimeoutMillis) throws IOException {
        return connect(host, port, connectTimeoutMillis, 0);
    }

    /**
     * Connects over TCP. {@code 0} means no timeout for either value. TCP_NODELAY is on because
     * requests are small and latency matters; keepalive is on so a dead peer is noticed during long
     * blocking commands.
     */
    public static RespConnection connect(String host, int port, int connectTimeoutMillis, int readTimeoutMillis)
            throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            s.setSoTimeout(readTimeoutMillis);
            return new RespConnection(host, port, s, s, s.getInputStream(), s.getOutputStream());
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the connect failure is what matters
            }
            throw e;
        }
    }

    /** Connects to a Unix domain socket. Read timeouts are not supported there. */
    public static RespConnection connectUnix(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new RespConnection(path.toString(), 0, null, ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
    }

    // ---------------------------------------------------------------- sending

    /** Appends one command to the output buffer (written on flush/read, or when the buffer is large). */
    public void send(byte[]... args) throws IOException {
        ensureUsable();
        writeHeader('*', args.length);
        for (byte[] a : args) writeBulk(a);
        if (wlen >= FLUSH_THRESHOLD) flush();
    }

    /** As {@link #send(byte[]...)}. */
    public void send(List<byte[]> args) throws IOException {
        send(args.toArray(new byte[0][]));
    }

    /** As {@link #send(byte[]...)} with UTF-8 strings, for commands typed in code. */
    public void send(String... args) throws IOException {
        send(toBytes(args));
    }

    /** Appends raw, already encoded bytes (inline commands, replication streams, pipe mode). */
    public void sendRaw(byte[] bytes) throws IOException {
        ensureUsable();
        ensureCapacity(bytes.length);
        System.arraycopy(bytes, 0, wbuf, wlen, bytes.length);
        wlen += bytes.length;
        if (wlen >= FLUSH_THRESHOLD) flush();
    }

    /** Writes buffered commands to the socket. */
    public void flush() throws IOException {
        if (wlen == 0) return;
        ensureUsable();
        try {
            out.write(wbuf, 0, wlen);
            out.flush();
        } catch (IOException e) {
            broken = true;
            throw e;
        } finally {
            wlen = 0;
            if (wbuf.length > 1024 * 1024) wbuf = new byte[8 * 1024]; // do not keep a huge buffer around
        }
    }

    private void writeHeader(char type, long n) {
        ensureCapacity(24);
        wbuf[wlen++] = (byte) type;
        wlen = writeDecimal(wbuf, wlen, n);
        wbuf[wlen++] = '\r';
        wbuf[wlen++] = '\n';
    }

    private void writeBulk(byte[] a) {
        writeHeader('$', a.length);
        ensureCapacity(a.length + 2);
        System.arraycopy(a, 0, wbuf, wlen, a.length);
        wlen += a.length;
        wbuf[wlen++] = CRLF[0];
        wbuf[wlen++] = CRLF[1];
    }

    private void ensureCapacity(int extra) {
        if (wlen + extra > wbuf.length) wbuf = Arrays.copyOf(wbuf, Math.max(wbuf.length * 2, wlen + extra));
    }

    private static int writeDecimal(byte[] b, int at, long v) {
        if (v < 0) {
            b[at++] = '-';
            v = -v;
        }
        if (v == 0) {
            b[at++] = '0';
            return at;
        }
        int start = at;
        while (v > 0) {
            b[at++] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        for (int i = start, j = at - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return at;
    }

    /** Encodes a command the way {@link #send} does, for callers that write the bytes elsewhere. */
    public static byte[] encode(byte[]... args) {
        int size = 16;
        for (byte[] a : args) size += a.length + 16;
        byte[] b = new byte[size];
        int at = 0;
        b[at++] = '*';
        at = writeDecimal(b, at, args.length);
        b[at++] = '\r';
        b[at++] = '\n';
        for (byte[] a : args) {
            b[at++] = '$';
            at = writeDecimal(b, at, a.length);
            b[at++] = '\r';
            b[at++] = '\n';
            System.arraycopy(a, 0, b, at, a.length);
            at += a.length;
            b[at++] = '\r';
            b[at++] = '\n';
        }
        return Arrays.copyOf(b, at);
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Flushes pending commands and reads the next reply, diverting pushes to the push handler if one
     * is installed.
     */
    public Reply read() throws IOException {
        flush();
        ensureUsable();
        try {
            while (true) {
                Reply r = reader.read();
                if (r instanceof Reply.Push p && pushHandler != null) {
                    pushHandler.accept(p);
                    continue;
                }
                return r;
            }
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    /** Sends one command and reads its reply. Error replies are returned, not thrown. */
    public Reply call(byte[]... args) throws IOException {
        send(args);
        return read();
    }

    public Reply call(List<byte[]> args) throws IOException {
        send(args);
        return read();
    }

    /** {@link #call} with UTF-8 strings, for commands written in code ({@code call("CLUSTER", "NODES")}). */
    public Reply call(String... args) throws IOException {
        return call(toBytes(args));
    }

    /** {@link #call} that throws {@link RespErrorException} if the reply is an error. */
    public Reply callChecked(String... args) throws IOException {
        return checked(call(args));
    }

    /** {@link #call} that throws {@link RespErrorException} if the reply is an error. */
    public Reply callChecked(byte[]... args) throws IOException {
        return checked(call(args));
    }

    private static Reply checked(Reply r) {
        if (r.unwrap() instanceof Reply.Error e) throw new RespErrorException(e);
        return r;
    }

    // ---------------------------------------------------------------- handshake helpers

    /**
     * {@code HELLO protocol}; on success later replies use that protocol. Returns the server's
     * description (a map in RESP3, a flat array in RESP2).
     *
     * @throws RespErrorException if the server refuses (e.g. {@code NOPROTO}, or {@code NOAUTH})
     */
    public Reply hello(int protocol) throws IOException {
        Reply r = checked(call("HELLO", Integer.toString(protocol)));
        this.protocol = protocol;
        return r;
    }

    /** {@code HELLO protocol AUTH user password}, authenticating in the same round trip. */
    public Reply hello(int protocol, byte[] user, byte[] password) throws IOException {
        Reply r = checked(call("HELLO".getBytes(StandardCharsets.US_ASCII),
                Integer.toString(protocol).getBytes(StandardCharsets.US_ASCII),
                "AUTH".getBytes(StandardCharsets.US_ASCII), user, password));
        this.protocol = protocol;
        return r;
    }

    /** {@code AUTH [user] password}; {@code user} may be {@code null} for the legacy form. */
    public void auth(byte[] user, byte[] password) throws IOException {
        if (user == null) {
            checked(call("AUTH".getBytes(StandardCharsets.US_ASCII), password));
        } else {
            checked(call("AUTH".getBytes(StandardCharsets.US_ASCII), user, password));
        }
    }

    public void auth(String user, String password) throws IOException {
        auth(user == null ? null : user.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code SELECT db}. */
    public void select(int db) throws IOException {
        checked(call("SELECT", Integer.toString(db)));
    }

    // ---------------------------------------------------------------- state

    /** The protocol negotiated by {@link #hello}, 2 until then. */
    public int protocol() {
        return protocol;
    }

    /** Records a protocol switch done outside {@link #hello} (e.g. a user typing {@code HELLO 3}). */
    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    /**
     * Installs (or with {@code null} removes) the handler for RESP3 pushes that arrive while
     * {@link #read()} waits for a reply.
     */
    public void setPushHandler(Consumer<Reply.Push> handler) {
        this.pushHandler = handler;
    }

    public Consumer<Reply.Push> pushHandler() {
        return pushHandler;
    }

    /** Read timeout in milliseconds, 0 for none; ignored for Unix sockets. */
    public void setReadTimeout(int millis) throws SocketException {
        if (socket != null) socket.setSoTimeout(millis);
    }

    /** The host (or socket path) this connection was opened to. */
    public String host() {
        return host;
    }

    /** The TCP port, 0 for Unix sockets. */
    public int port() {
        return port;
    }

    /** The underlying TCP socket, or {@code null} for Unix sockets and wrapped streams. */
    public Socket socket() {
        return socket;
    }

    /** The reader, for protocols that read raw bytes after a reply (replication). */
    public ReplyReader reader() {
        return reader;
    }

    /** True once an I/O or protocol error happened; the connection should then be closed. */
    public boolean isBroken() {
        return broken;
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureUsable() throws IOException {
        if (closed) throw new IOException("connection closed");
    }

    /**
     * Closes the socket. Safe to call from another thread to abort a blocked {@link #read()} (the
     * reader then fails with an {@link IOException}).
     */
    @Override
    public void close() {
        closed = true;
        broken = true;
        if (resource != null) {
            try {
                resource.close();
            } catch (IOException ignored) {
                // nothing useful to do: the socket is gone either way
            }
        }
    }

    private static byte[][] toBytes(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        return b;
    }

    @Override
    public String toString() {
        return "RespConnection[" + host + (port > 0 ? ":" + port : "") + "]";
    }
}
