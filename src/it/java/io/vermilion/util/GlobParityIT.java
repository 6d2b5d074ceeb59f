package io.vermilion.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Glob} against the real redis-server 7.0: random keys are stored in redis, random patterns
 * built mostly from glob metacharacters are sent as KEYS, and redis's answer must equal the keys
 * our matcher selects. Redis's KEYS is a plain stringmatchlen over every key (plus the "*"
 * shortcut), so this compares the matchers themselves.
 */
class GlobParityIT {
    private static final byte[] KEY_ALPHABET = {'a', 'b', 'A', '-', ']', '[', '\\', '^', '*', '?', '!', (byte) 0xe9, 0};
    private static final byte[] PATTERN_ALPHABET = {'a', 'b', 'A', 'z', '-', ']', '[', '[', '\\', '\\', '^', '*', '*',
        '?', '!', (byte) 0xe9, (byte) 0x80, 0};

    private static ServerProcess redis;
    private static RespConnection conn;

    @BeforeAll
    static void start() throws Exception {
        redis = ServerProcess.redis();
        conn = RespConnection.connect("127.0.0.1", redis.port(), 5000, 30_000);
    }

    @AfterAll
    static void stop() {
        if (conn != null) conn.close();
        if (redis != null) redis.close();
    }

    @Test
    void randomPatternsSelectTheSameKeysAsRedis() throws Exception {
        long seed = Long.getLong("glob.seed", 20240607L);
        Random rnd = new Random(seed);
        Set<String> keys = new LinkedHashSet<>();
        keys.add("");
        while (keys.size() < 400) keys.add(latin1(randomBytes(rnd, KEY_ALPHABET, rnd.nextInt(6))));
        for (String k : keys) conn.send(bytes("SET"), latin1(k), bytes("1"));
        for (int i = 0; i < keys.size(); i++) conn.read();

        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < 5000; i++) patterns.add(randomBytes(rnd, PATTERN_ALPHABET, rnd.nextInt(8)));
        for (byte[] p : patterns) conn.send(bytes("KEYS"), p);

        List<String> mismatches = new ArrayList<>();
        int nonTrivial = 0;
        for (byte[] p : patterns) {
            Reply r = conn.read();
            assertThat(r).isInstanceOf(Reply.Array.class);
            Set<String> theirs = new TreeSet<>();
            for (Reply e : ((Reply.Array) r).elements()) theirs.add(latin1(((Reply.Bulk) e).value()));
            Glob g = new Glob(p, false);
            Set<String> ours = new TreeSet<>();
            for (String k : keys) {
                if (g.matchesEverything() || g.matches(latin1(k))) ours.add(k);
            }
            if (!theirs.isEmpty() && theirs.size() < keys.size()) nonTrivial++;
            if (!ours.equals(theirs) && mismatches.size() < 20) {
                mismatches.add(show(p) + ": redis " + show(theirs) + " ours " + show(ours));
            }
        }
        assertThat(mismatches).as("seed " + seed).isEmpty();
        assertThat(nonTrivial).as("patterns that select some but not all keys").isGreaterThan(500);
    }

    @Test
    void nestingLimitAgreesWithRedis() throws Exception {
        byte[] subject = bytes("a".repeat(2000));
        conn.callChecked(bytes("FLUSHALL"));
        conn.callChecked(bytes("SET"), subject, bytes("1"));
        for (String unit : List.of("*a", "a*", "?*", "*?")) {
            for (int n : new int[] {999, 1000, 1001, 1002}) {
                byte[] p = bytes(unit.repeat(n));
                Reply r = conn.call(bytes("KEYS"), p);
                boolean redisMatched = ((Reply.Array) r).size() == 1;
                assertThat(Glob.matches(p, subject)).as(unit + " x " + n).isEqualTo(redisMatched);
            }
        }
    }

    private static byte[] randomBytes(Random rnd, byte[] alphabet, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = alphabet[rnd.nextInt(alphabet.length)];
        return b;
    }

    private static String show(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 32 && c < 127 && c != '"') sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        return sb.append('"').toString();
    }

    private static String show(Set<String> s) {
        List<String> out = new ArrayList<>();
        for (String k : s) out.add(show(latin1(k)));
        return out.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
