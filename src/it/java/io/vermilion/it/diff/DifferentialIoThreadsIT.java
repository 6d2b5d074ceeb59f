package io.vermilion.it.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
            // The command thread plus two I/O threads serve clients: a client's commands still
            // run one after the other on one thread, in order.
            assertThat(j.incr("io-threads:counter")).isEqualTo(1);
            assertThat(j.incr("io-threads:counter")).isEqualTo(2);
        }
    }
}
