package io.vermilion.cluster.bus;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One end of a cluster bus link in a test: a plain socket whose incoming bytes go through our
 * {@link BusFrameReader} and {@link ClusterMsgCodec}. Reads are bounded by a deadline.
 */
final class BusPeer implements AutoCloseable {
    private final Socket socket;
    private final BusFrameReader reader = new BusFrameReader();
    private final byte[] buf = new byte[65536];

    BusPeer(Socket socket) {
        this.socket = socket;
    }

    static BusPeer connect(int busPort) throws IOException {
        Socket s = new Socket("127.0.0.1", busPort);
        s.setTcpNoDelay(true);
        return new BusPeer(s);
    }

    void send(ClusterMsg m) throws IOException {
        sendRaw(ClusterMsgCodec.encode(m));
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next decoded message satisfying {@code want}; others are skipped. Fails on timeout/EOF. */
    ClusterMsg await(Predicate<ClusterMsg> want, Duration timeout) throws IOException, BusProtocolException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ClusterMsg m;
            while ((m = reader.next()) != null) {
                if (want.test(m)) return m;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new AssertionError("no matching message within " + timeout);
            int n = read((int) left);
            if (n < 0) throw new AssertionError("link closed by the peer while waiting for a message");
        }
    }

    ClusterMsg await(MessageType type, Duration timeout) throws IOException, BusProtocolException {
        return await(m -> m.messageType() == type, timeout);
    }

    /** True if the peer closes the link within {@code timeout} (bytes it sends meanwhile are discarded). */
    boolean awaitClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return false;
            try {
                socket.setSoTimeout((int) Math.max(1, left));
                if (socket.getInputStream().read(buf) < 0) return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // connection reset: closed as well
            }
        }
    }

    /** True if nothing at all arrives and the link stays open for {@code window}. */
    boolean staysSilent(Duration window) throws IOException {
        socket.setSoTimeout((int) window.toMillis());
        try {
            int n = socket.getInputStream().read(buf);
            if (n > 0) reader.feed(buf, 0, n);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    private int read(int timeoutMillis) throws IOException {
        socket.setSoTimeout(Math.max(1, timeoutMillis));
        InputStream in = socket.getInputStream();
        try {
            int n = in.read(buf);
            if (n > 0) reader.feed(buf, 0, n);
            return n;
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
