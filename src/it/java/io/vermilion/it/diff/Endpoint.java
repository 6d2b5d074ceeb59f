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
import java.util.Arrays;

/**
 * One raw TCP connection to one server under comparison. Sending and receiving are separate so a
 * case can be written to both servers before either reply is awaited. Nothing here throws: every
 * I/O outcome (closed, timed out, malformed) is data to compare, because "the server closed the
 * connection" is itself behaviour that must match the oracle.
 */
final class Endpoint implements AutoCloseable {
    private static final byte[] PROBE = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What one server did for one case. */
    record Outcome(Frame reply, boolean closed, boolean closedAfter, String failure, boolean read) {
        static Outcome notRead() { return new Outcome(null, false, false, null, false); }
        static Outcome closedConnection() { return new Outcome(null, true, false, null, true); }
        static Outcome failed(String why) { return new Outcome(null, false, false, why, true); }

        /** True when the connection can no longer be trusted to be in step with the script. */
        boolean disturbed() {
            return closed || closedAfter || failure != null;
        }

        String describe() {
            if (failure != null) return "<" + failure + ">";
            if (closed) return "<connection closed, no reply>";
            if (!read) return "<not read>";
            return Escape.readable(reply.raw()) + (closedAfter ? " and then closed the connection" : "");
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
        Frame reply;
        try {
            reply = reader.read();
        } catch (EOFException | SocketException e) {
            return Outcome.closedConnection();
        } catch (SocketTimeoutException e) {
            return writeFailed ? Outcome.closedConnection()
                    : Outcome.failed("no complete reply within " + timeoutMs + " ms");
        } catch (ProtocolException e) {
            return Outcome.failed("malformed reply: " + e.getMessage());
        } catch (IOException e) {
            return Outcome.failed("I/O error: " + e);
        }
        boolean closedAfter = false;
        if (c.kind() == DiffCase.Kind.INLINE || c.kind() == DiffCase.Kind.RAW) {
            // Protocol errors must also close the connection like redis does; a PING tells us
            // deterministically (EOF/reset = closed, PONG = open) without timing guesses.
            try {
                out.write(PROBE);
                out.flush();
                Frame probe = reader.read();
                if (!Arrays.equals(probe.raw(), PONG)) {
                    return Outcome.failed("the PING sent after this line to check the connection got "
                            + Escape.readable(probe.raw())
                            + " (an !inline/!raw line must produce exactly one reply, or use ~noreply)");
                }
            } catch (EOFException | SocketException e) {
                closedAfter = true;
            } catch (SocketTimeoutException e) {
                return Outcome.failed("no reply to the PING sent after this line within " + timeoutMs + " ms");
            } catch (IOException e) {
                return Outcome.failed("I/O error on the PING sent after this line: " + e);
            }
        }
        return new Outcome(reply, false, closedAfter, null, true);
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
