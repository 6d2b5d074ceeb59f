package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OBJECT FREQ / IDLETIME / REFCOUNT and which commands count as an access, under maxmemory
 * settings the differential scripts cannot use (both servers there run the defaults and
 * Vermilion has no CONFIG SET yet): each scenario starts redis-server 7.0 and Vermilion with the
 * same directives and compares the replies of a script, reply by reply.
 *
 * <p>LFU counters are probabilistic except for the first access of a new key (5 -> 6 always),
 * so each access check uses a fresh key: 5 means "not an access", 6 means "an access".
 */
class ObjectPolicyIT {

    @Test
    void lfuPolicyTracksFrequencyAndTheRightLookupsCountAsAccesses() throws Exception {
        compare(List.of("--maxmemory-policy", "allkeys-lfu"), List.of(
                // no-touch lookups leave the counter alone (d alone in the db: KEYS/SCAN order is moot)
                "SET d x", "EXISTS d", "TYPE d", "TTL d", "PTTL d", "EXPIRETIME d", "OBJECT ENCODING d",
                "OBJECT REFCOUNT d", "KEYS *", "SCAN 0 COUNT 1000 TYPE string", "RANDOMKEY", "OBJECT FREQ d",
                "SET a hello", "OBJECT FREQ a", "GET a", "OBJECT FREQ a",
                "OBJECT IDLETIME a", "OBJECT IDLETIME nokey", "OBJECT FREQ nokey",
                // lookups that are accesses: one each on a fresh key
                "SET t x", "TOUCH t", "OBJECT FREQ t",
                "SET e x", "EXPIRE e 100", "OBJECT FREQ e",
                "SET p x EX 100", "PERSIST p", "OBJECT FREQ p",
                "SET r x", "RENAME r r2", "OBJECT FREQ r2",
                "SET i x", "COPY i i2", "OBJECT FREQ i", "OBJECT FREQ i2",
                "SET m x", "MOVE m 2", "SELECT 2", "OBJECT FREQ m", "SELECT 0",
                // integers are shared (refcount INT_MAX) only while maxmemory is 0
                "SET n 100", "OBJECT REFCOUNT n", "SET big 10000", "OBJECT REFCOUNT big"), List.of());
    }

    @Test
    void lruPolicyWithMaxmemoryStopsSharingIntegers() throws Exception {
        compare(List.of("--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"), List.of(
                "SET n 100", "OBJECT REFCOUNT n", "OBJECT ENCODING n", "OBJECT FREQ n", "OBJECT IDLETIME n",
                "SET s hello", "OBJECT REFCOUNT s"), List.of("OBJECT IDLETIME n"));
    }

    @Test
    void policyWithoutObjectDataKeepsSharingUnderMaxmemory() throws Exception {
        compare(List.of("--maxmemory", "100mb", "--maxmemory-policy", "volatile-ttl"), List.of(
                "SET n 9999", "OBJECT REFCOUNT n", "SET z 0", "OBJECT REFCOUNT z", "SET neg -1",
                "OBJECT REFCOUNT neg", "OBJECT FREQ n"), List.of());
    }

    /** Runs the script on both servers; lines in {@code typeOnly} need only the same reply kind. */
    private static void compare(List<String> args, List<String> script, List<String> typeOnly) throws Exception {
        String[] a = args.toArray(new String[0]);
        try (ServerProcess redis = ServerProcess.redis(a);
             ServerProcess ours = ServerProcess.vermilion(a);
             RespConnection r = RespConnection.connect("127.0.0.1", redis.port(), 5000, 10_000);
             RespConnection v = RespConnection.connect("127.0.0.1", ours.port(), 5000, 10_000)) {
            List<String> diffs = new ArrayList<>();
            for (String line : script) {
                String[] cmd = line.split(" ");
                Reply expected = r.call(cmd);
                Reply actual = v.call(cmd);
                boolean same = typeOnly.contains(line)
                        ? expected.getClass() == actual.getClass()
                        : expected.equals(actual);
                if (!same) diffs.add(line + ": redis " + expected + ", vermilion " + actual);
            }
            assertThat(diffs).isEmpty();
        }
    }
}
