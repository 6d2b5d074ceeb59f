package io.vermilion.it.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fork-less snapshot with mutable collections: a BGSAVE is started on a node holding keys of
 * every type and encoding, and while it runs (slowed down per key) every key is changed in place
 * (pushed to, added to, overwritten, expired, deleted) and new keys are created. The file must
 * hold exactly the dataset as it was when BGSAVE started, as a fork would: the real redis-server
 * loads it and every key is compared with what was read before the BGSAVE.
 */
class SnapshotTypesIT {
    @Test
    void bgsaveKeepsTheStateOfItsStartWhileEveryTypeChanges() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-snapshot-types-");
        Map<String, KeyContent> atStart;
        int changed = 0;
        try (ServerProcess v = TypeServers.start(Kind.VERMILION, dir, "--dbfilename", "dump.rdb");
             Conn c = TypeServers.conn(v)) {
            Dataset.build(c, EnumSet.allOf(DataType.class), "k:", Dataset.Options.full(7));
            atStart = KeyContent.readAll(c);
            assertThat(atStart).hasSizeGreaterThan(50);
            // 20 ms per key: the cursor is still near the start when the changes below are done.
            c.configSet("rdb-key-save-delay", "20000");
            assertThat(c.str("BGSAVE")).isEqualTo("Background saving started");
            Map<String, byte[]> raw = new java.util.HashMap<>();
            for (byte[] k : c.keys()) raw.put(KeyContent.esc(k), k);
            int i = 0;
            for (Map.Entry<String, KeyContent> e : atStart.entrySet()) {
                KeyContent k = e.getValue();
                byte[] key = raw.get(e.getKey());
                String type = k.type();
                switch (i++ % 6) {
                    case 0 -> c.call(Conn.b("DEL"), key);
                    case 1 -> c.call(Conn.b("PEXPIRE"), key, Conn.b("100000"));
                    default -> mutate(c, type, key);
                }
                changed++;
            }
            for (int n = 0; n < 50; n++) c.call("RPUSH", "new:list:" + n, "a", "b");
            assertThat(c.str("INFO", "persistence")).as("every change happened while BGSAVE ran")
                    .contains("rdb_bgsave_in_progress:1");
            c.configSet("rdb-key-save-delay", "0");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(50)).alias("BGSAVE finished")
                    .until(() -> !c.str("INFO", "persistence").contains("rdb_bgsave_in_progress:1"));
            assertThat(c.str("INFO", "persistence")).contains("rdb_last_bgsave_status:ok");
            // The live dataset really changed.
            assertThat(KeyContent.readAll(c)).isNotEqualTo(atStart);
        }
        Path rdir = Files.createTempDirectory("vermilion-it-snapshot-types-redis-");
        Files.copy(dir.resolve("dump.rdb"), rdir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        try (ServerProcess r = TypeServers.start(Kind.REDIS, rdir, "--dbfilename", "dump.rdb");
             Conn c = TypeServers.conn(r)) {
            KeyContent.assertSame("dump.rdb written during " + changed + " changes, loaded by redis-server",
                    atStart, KeyContent.readAll(c), KeyContent.Enc.NON_STRING, KeyContent.Ttl.EXACT);
        }
    }

    private static void mutate(Conn c, String type, byte[] key) {
        byte[] x = Conn.b("changed-during-bgsave");
        switch (type) {
            case "list" -> c.call(Conn.b("LPUSH"), key, x);
            case "hash" -> c.call(Conn.b("HSET"), key, x, x);
            case "set" -> c.call(Conn.b("SADD"), key, x);
            case "zset" -> c.call(Conn.b("ZADD"), key, Conn.b("42"), x);
            case "stream" -> c.call(Conn.b("XADD"), key, Conn.b("*"), x, x);
            default -> c.call(Conn.b("APPEND"), key, x);
        }
    }
}
