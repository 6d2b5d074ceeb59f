package io.vermilion.it.types;

import io.vermilion.it.diff.Frame;
import io.vermilion.it.diff.RespFrameReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw RESP connection: sends a command as a multibulk, returns the exact bytes of its reply. */
final class RawConn implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final RespFrameReader reader;

    RawConn(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        reader = new RespFrameReader(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    }

    void send(String... argv) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : argv) {
            byte[] x = a.getBytes(StandardCharsets.ISO_8859_1);
            b.write(("$" + x.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(x);
            b.write('\r');
            b.write('\n');
        }
        out.write(b.toByteArray());
        out.flush();
    }

    Frame read() throws IOException {
        return reader.read();
    }

    Frame call(String... argv) throws IOException {
        send(argv);
        return read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
