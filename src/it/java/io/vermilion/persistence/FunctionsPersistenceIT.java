package io.vermilion.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Function libraries are part of the dataset files (docs/scripting.md): the FUNCTION2 opcode of
 * an RDB written by redis-server 7.0 loads into Vermilion and the reverse, and an AOF rewrite
 * without RDB preamble starts with FUNCTION LOAD commands, which Vermilion and redis-server both
 * replay.
 */
class FunctionsPersistenceIT {
    private static final String LIB1 = "#!lua name=lib1\n"
            + "redis.register_function('one', function(keys, args) return 'one' end)\n"
            + "redis.register_function{function_name='getk', callback=function(keys) return redis.call('get', keys[1]) end,"
            + " flags={'no-writes'}, description='reads a key'}";
    private static final String LIB2 = "#!lua name=lib2\n"
            + "redis.register_function('two', function(keys, args) return redis.call('incr', keys[1]) end)";

    private static Jedis jedis(ServerProcess p) {
        return new Jedis("127.0.0.1", p.port(), 10_000);
    }

    private static String fcall(Jedis j, String fn, String... keysThenNothing) {
        Object r = j.sendCommand(Protocol.Command.FCALL, Stream.concat(Stream.of(fn, Integer.toString(keysThenNothing.length)),
                Stream.of(keysThenNothing)).toArray(String[]::new));
        return r instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(r);
    }

    private static byte[] dump(Jedis j) {
        return (byte[]) j.sendCommand(Protocol.Command.FUNCTION, "DUMP");
    }

    @Test
    void functionsTravelInRdbFilesBothWays(@TempDir Path dir) throws Exception {
        byte[] redisDump;
        try (ServerProcess r = Servers.start(Kind.REDIS, dir); Jedis j = jedis(r)) {
            assertThat(j.functionLoad(LIB1)).isEqualTo("lib1");
            j.set("k", "v");
            redisDump = dump(j);
            assertThat(j.save()).isEqualTo("OK");
        }
        try (ServerProcess v = Servers.start(Kind.VERMILION, dir); Jedis j = jedis(v)) {
            assertThat(fcall(j, "one")).isEqualTo("one");
            assertThat(j.sendCommand(Protocol.Command.FCALL_RO, "getk", "1", "k")).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
            assertThat(j.functionList()).hasSize(1);
            assertThat(j.functionList().get(0).getFunctions()).hasSize(2);
            // Same library, same serialization as the real server's.
            assertThat(dump(j)).isEqualTo(redisDump);
            assertThat(j.functionLoad(LIB2)).isEqualTo("lib2");
            assertThat(j.save()).isEqualTo("OK");
        }
        // Vermilion restarts from its own file, and then real redis-server loads it.
        try (ServerProcess v = Servers.start(Kind.VERMILION, dir); Jedis j = jedis(v)) {
            assertThat(fcall(j, "two", "n")).isEqualTo("1");
            assertThat(fcall(j, "one")).isEqualTo("one");
            assertThat(j.save()).isEqualTo("OK");
        }
        try (ServerProcess r = Servers.start(Kind.REDIS, dir); Jedis j = jedis(r)) {
            assertThat(j.functionList()).extracting(l -> l.getLibraryName()).containsExactlyInAnyOrder("lib1", "lib2");
            assertThat(fcall(j, "one")).isEqualTo("one");
            assertThat(fcall(j, "two", "n")).isEqualTo("2");
            assertThat(j.get("k")).isEqualTo("v");
        }
    }

    @Test
    void aofRewriteWritesFunctionLoad(@TempDir Path dir) throws Exception {
        String[] aof = {"--appendonly", "yes", "--aof-use-rdb-preamble", "no"};
        try (ServerProcess v = Servers.start(Kind.VERMILION, dir, aof); Jedis j = jedis(v)) {
            assertThat(j.functionLoad(LIB1)).isEqualTo("lib1");
            assertThat(j.functionLoad(LIB2)).isEqualTo("lib2");
            j.set("k", "v");
            j.bgrewriteaof();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> j.info("persistence").contains("aof_rewrite_in_progress:0") && base(dir) != null
                            && Files.readString(base(dir), StandardCharsets.ISO_8859_1).contains("FUNCTION\r\n"));
        }
        String base = Files.readString(base(dir), StandardCharsets.ISO_8859_1);
        String load1 = "*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$" + LIB1.length() + "\r\n" + LIB1 + "\r\n";
        String load2 = "*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$" + LIB2.length() + "\r\n" + LIB2 + "\r\n";
        assertThat(base).startsWith(load1 + load2);
        assertThat(base).contains("SET");
        for (Kind kind : List.of(Kind.VERMILION, Kind.REDIS)) {
            try (ServerProcess p = Servers.start(kind, dir, aof); Jedis j = jedis(p)) {
                assertThat(fcall(j, "one")).as("%s replays the rewritten AOF", kind).isEqualTo("one");
                assertThat(j.get("k")).isEqualTo("v");
                assertThat(j.functionList()).hasSize(2);
            }
        }
    }

    private static Path base(Path dir) throws java.io.IOException {
        Path d = dir.resolve("appendonlydir");
        if (!Files.isDirectory(d)) return null;
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".base.aof")).findFirst().orElse(null);
        }
    }
}
