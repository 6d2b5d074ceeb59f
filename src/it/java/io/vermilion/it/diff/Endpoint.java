package io.vermilion.it.diff;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One raw TCP connection to one server under comparison. Sending and receiving are separate so a
 * case can be written to both servers before either reply is awaited. Nothing here throws: every
 * I/O outcome (closed, timed out, malformed) is data to compare, because "the server closed the
 * connection" is itself behaviour that must match the oracle.
 */
final class Endpoint implements AutoCloseable {
    /**
     * Sent after every !inline / !raw line. Its reply marks the end of that line's replies (so a
     * raw line may pipeline several commands), and EOF instead of it means the server closed the
     * connection. ECHO of an unusual token rather than PING, so that a PONG produced by the raw
     * bytes themselves is not mistaken for the marker.
     */
    private static final String PROBE_TOKEN = "<<diff-probe-v1>>";
    static final byte[] PROBE = ("*2\r\n$4\r\nECHO\r\n$" + PROBE_TOKEN.length() + "\r\n" + PROBE_TOKEN + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROBE_REPLY = ("$" + PROBE_TOKEN.length() + "\r\n" + PROBE_TOKEN + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    /** Bound on the replies one !raw line may produce, so a babbling server cannot loop us. */
    private static final int MAX_REPLIES = 1000;

    /**
     * What one server did for one case.
     *
     * @param replies     the replies read (one for a command; any number for !inline / !raw)
     * @param closed      the connection ended (EOF/reset) while reading replies or the probe
     * @param failure     a timeout or malformed reply; the connection can't be trusted after it
     * @param read        false for ~noreply cases, where nothing is read
     */
    record Outcome(List<Frame> replies, boolean closed, String failure, boolean read) {
        static Outcome notRead() { return new Outcome(List.of(), false, null, false); }
        static Outcome failed(List<Frame> replies, String why) { return new Outcome(replies, false, why, true); }

        /** True when the connection can no longer be trusted to be in step with the script. */
        boolean disturbed() {
            return closed || failure != null;
        }

        String describe() {
            if (!read) return "<not read>";
            StringBuilder sb = new StringBuilder();
            for (Frame f : replies) {
                if (sb.length() > 0) sb.append(" then ");
                sb.append(Escape.readable(f.raw()));
            }
            if (replies.isEmpty()) sb.append("<no reply>");
            if (closed) sb.append(" and the connection was closed");
            if (failure != null) sb.append(" <").append(failure).append('>');
            return sb.toString();
        }
    }

    final String name;
    private final int port;
    private final int timeoutMs;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private RespFrameReader reader;
    private boolean writeFailed;

    Endpoint(String name, int port, int timeoutMs) {
        this.name = name;
        this.port = port;
        this.timeoutMs = timeoutMs;
    }

    void open() throws IOException {
        close();
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
        s.setSoTimeout(timeoutMs);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
        out = s.getOutputStream();
        reader = new RespFrameReader(in);
        writeFailed = false;
    }

    /** Sends a command and demands one exact reply; used for per-file setup. */
    void expect(byte[] command, byte[] reply) throws IOException {
        out.write(command);
        out.flush();
        byte[] got;
        try {
            got = reader.read().raw();
        } catch (IOException e) {
            throw new IOException(name + ": setup command " + Escape.readable(command) + " failed: " + e, e);
        }
        if (!Arrays.equals(got, reply)) {
            throw new IOException(name + ": setup command " + Escape.readable(command) + " replied "
                    + Escape.readable(got) + ", expected " + Escape.readable(reply));
        }
    }

    void send(DiffCase c) {
        try {
            out.write(c.wireBytes());
            out.flush();
        } catch (IOException e) {
            // Typically the server already closed the connection; receive() reports it as such.
            writeFailed = true;
        }
    }

    Outcome receive(DiffCase c) {
        if (c.marker() == Marker.NOREPLY) return Outcome.notRead();
        if (c.kind() == DiffCase.Kind.COMMAND || c.kind() == DiffCase.Kind.NEXT) {
            try {
                return new Outcome(List.of(reader.read()), false, null, true);
            } catch (EOFException | SocketException e) {
                return new Outcome(List.of(), true, null, true);
            } catch (SocketTimeoutException e) {
                return writeFailed ? new Outcome(List.of(), true, null, true)
                        : Outcome.failed(List.of(), "no complete reply within " + timeoutMs + " ms");
            } catch (IOException e) {
                return Outcome.failed(List.of(), describe(e));
            }
        }
        // !inline / !raw: the probe's reply ends the list; EOF before it means the server closed
        // the connection, which must match the oracle too (protocol errors close it).
        List<Frame> replies = new ArrayList<>();
        try {
            out.write(PROBE);
            out.flush();
        } catch (IOException e) {
            writeFailed = true;
        }
        while (true) {
            Frame f;
            try {
                f = reader.read();
            } catch (EOFException | SocketException e) {
                return new Outcome(replies, true, null, true);
            } catch (SocketTimeoutException e) {
                return writeFailed ? new Outcome(replies, true, null, true)
                        : Outcome.failed(replies, "no reply to the probe sent after this line within " + timeoutMs
                                + " ms (incomplete input needs ~noreply)");
            } catch (IOException e) {
                return Outcome.failed(replies, describe(e));
            }
            if (Arrays.equals(f.raw(), PROBE_REPLY)) return new Outcome(replies, false, null, true);
            replies.add(f);
            if (replies.size() > MAX_REPLIES) return Outcome.failed(replies, "more than " + MAX_REPLIES + " replies");
        }
    }

    private static String describe(IOException e) {
        return e instanceof ProtocolException ? "malformed reply: " + e.getMessage() : "I/O error: " + e;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a dead socket: nothing to do
            }
            socket = null;
        }
    }
}
