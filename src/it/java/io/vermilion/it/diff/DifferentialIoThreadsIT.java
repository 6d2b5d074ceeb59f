package io.vermilion.it.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.it.support.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Every differential script again, against a Vermilion node with {@code io-threads 3}: two I/O
 * threads read, parse and write for the connections while the commands run on the command
 * thread, and every reply must still match redis-server's byte for byte (pipelines, blocking
 * commands, MULTI, Pub/Sub pushes, CLIENT REPLY, protocol errors included).
 */
class DifferentialIoThreadsIT extends DifferentialIT {
    @BeforeAll
    static void startServers() throws IOException {
        String[] args = new String[SERVER_ARGS.length + 2];
        System.arraycopy(SERVER_ARGS, 0, args, 0, SERVER_ARGS.length);
        args[SERVER_ARGS.length] = "--io-threads";
        args[SERVER_ARGS.length + 1] = "3";
        startServers(args);
    }

    @Test
    void theTargetRunsWithIoThreads() {
        try (Jedis j = new Jedis("127.0.0.1", targetPort)) {
            assertThat(j.configGet("io-threads")).containsEntry("io-threads", "3");
            assertThat(j.info("server")).contains("io_threads_active:1");
            // The command thread plus two I/O threads serve clients: a client's commands still
            // run one after the other on one thread, in order.
            assertThat(j.incr("io-threads:counter")).isEqualTo(1);
            assertThat(j.incr("io-threads:counter")).isEqualTo(2);
        }
    }

    /**
     * An AUTH pipelined before a request over Redis's unauthenticated limits (more than 10
     * arguments): the I/O thread must parse the second request with the limits that apply once
     * AUTH has run, and a request over the limits before AUTH is refused as Redis refuses it.
     * Same bytes to redis-server and to Vermilion with io-threads 3, same reply bytes.
     */
    @Test
    void authPipelinedBeforeABigRequestLiftsTheLimitsInOrder() throws Exception {
        StringBuilder mset = new StringBuilder("*21\r\n$4\r\nMSET\r\n");
        for (int i = 0; i < 10; i++) mset.append("$2\r\nk").append(i).append("\r\n$1\r\nv\r\n");
        String authThenBig = "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n" + mset + "*2\r\n$3\r\nGET\r\n$2\r\nk9\r\n";
        String bigFirst = mset.toString();
        try (ServerProcess redis = ServerProcess.redis("--requirepass", "pw");
             ServerProcess ours = ServerProcess.vermilion("--requirepass", "pw", "--io-threads", "3")) {
            for (String input : new String[] {authThenBig, bigFirst}) {
                String expected = exchange(redis.port(), input);
                String actual = exchange(ours.port(), input);
                assertThat(actual).as("input %s", input).isEqualTo(expected);
            }
            assertThat(exchange(ours.port(), authThenBig)).isEqualTo("+OK\r\n+OK\r\n$1\r\nv\r\n+OK\r\n");
        }
    }

    /**
     * Sends {@code input} and a QUIT in one write and reads until the server closes the
     * connection (after the QUIT's +OK, or after a protocol error): no quiet-time guess.
     */
    private static String exchange(int port, String input) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write((input + "*1\r\n$4\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (java.net.SocketException e) {
                    break; // reset after a protocol error
                }
                if (n < 0) break;
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }
}
