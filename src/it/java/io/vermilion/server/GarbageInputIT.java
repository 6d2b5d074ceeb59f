package io.vermilion.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Hostile clients must not crash the node, make it allocate what they merely declare, or stall
 * other clients. After every kind of abuse a well-behaved client still gets correct answers.
 */
class GarbageInputIT {
    private static ServerProcess node;

    @BeforeAll
    static void start() throws IOException {
        node = ServerProcess.vermilion("--maxclients", "10000");
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static void assertHealthy() {
        assertThat(node.isAlive()).as("node process alive").isTrue();
        try (Jedis j = new Jedis("127.0.0.1", node.port(), 5000)) {
            assertThat(j.ping()).isEqualTo("PONG");
            j.set("health", "ok");
            assertThat(j.get("health")).isEqualTo("ok");
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", node.port()), 2000);
        s.setSoTimeout(3000);
        return s;
    }

    /** Reads until the server closes the connection (or times out); returns what arrived. */
    private static String drain(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // timed out or reset: what arrived so far is the answer
        }
        return sb.toString();
    }

    private static long rssKb() throws IOException {
        long pid = node.process().pid();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IOException("no VmRSS");
    }

    @Test
    void randomBytesOnManyConnections() throws IOException {
        Random r = new Random(42);
        for (int i = 0; i < 200; i++) {
            try (Socket s = connect()) {
                byte[] junk = new byte[1 + r.nextInt(8192)];
                r.nextBytes(junk);
                if (i % 3 == 0) junk[0] = '*'; // steer some into the multibulk parser
                if (i % 3 == 1) junk[0] = '$';
                s.getOutputStream().write(junk);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the server may close on us mid-write: fine
            }
        }
        assertHealthy();
    }

    @Test
    void badLengthsAnswerProtocolErrorsAndClose() throws IOException {
        String[][] cases = {
            {"*abc\r\n", "-ERR Protocol error: invalid multibulk length"},
            {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length"},
            {"*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length"},
            {"*1\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'"},
            {"*3000000000\r\n", "-ERR Protocol error: invalid multibulk length"},
            {"*1\r\n$2147483648\r\n", "-ERR Protocol error: invalid bulk length"},
            {"\"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request"},
        };
        for (String[] c : cases) {
            try (Socket s = connect()) {
                s.getOutputStream().write(c[0].getBytes(StandardCharsets.ISO_8859_1));
                String got = drain(s);
                assertThat(got).as("reply to %s", c[0].replace("\r\n", "\\r\\n")).startsWith(c[1]);
            }
        }
        assertHealthy();
    }

    @Test
    void hugeDeclaredBulkAllocatesNothing() throws Exception {
        long before = rssKb();
        List<Socket> held = new ArrayList<>();
        try {
            // 50 clients each declare a 500 MB argument (under proto-max-bulk-len) and send 10 bytes.
            for (int i = 0; i < 50; i++) {
                Socket s = connect();
                s.getOutputStream().write("*2\r\n$3\r\nSET\r\n$500000000\r\n0123456789".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                held.add(s);
            }
            assertHealthy();
            long after = rssKb();
            // 50 × 500 MB declared = 25 GB; the node may grow by buffers, never by the declarations.
            assertThat(after - before).as("RSS growth in KB").isLessThan(256 * 1024);
        } finally {
            for (Socket s : held) s.close();
        }
        assertHealthy();
    }

    @Test
    void halfSentCommandsDoNotStallOthers() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            String[] halves = {"*2\r\n$3\r\nGET", "*2\r\n$3\r\nGET\r\n$5\r\nab", "PING", "*", "*1\r\n", "$"};
            for (int i = 0; i < 300; i++) {
                Socket s = connect();
                s.getOutputStream().write(halves[i % halves.length].getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                held.add(s);
            }
            assertHealthy();
            // Finishing one of them later still works.
            Socket s = held.get(2); // "PING" without CRLF
            s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[7];
            int n = s.getInputStream().readNBytes(buf, 0, 7);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
        } finally {
            for (Socket s : held) s.close();
        }
        assertHealthy();
    }

    @Test
    void thousandsOfIdleConnections() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3000; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
                held.add(s);
            }
            assertHealthy();
            // Every idle connection is still served when it finally speaks.
            for (int i = 0; i < held.size(); i += 500) {
                Socket s = held.get(i);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[7];
                assertThat(s.getInputStream().readNBytes(buf, 0, 7)).isEqualTo(7);
                assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
            }
        } finally {
            for (Socket s : held) s.close();
        }
        assertHealthy();
    }

    @Test
    void queryBufferLimitClosesTheAbuser() throws IOException {
        // A client streaming an endless inline line with no newline is cut off at 64 KB.
        try (Socket s = connect()) {
            byte[] chunk = new byte[16 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            String got;
            try {
                for (int i = 0; i < 8; i++) s.getOutputStream().write(chunk);
            } catch (IOException e) {
                // closed while writing: acceptable
            }
            got = drain(s);
            assertThat(got).startsWith("-ERR Protocol error: too big inline request");
        }
        assertHealthy();
    }
}
