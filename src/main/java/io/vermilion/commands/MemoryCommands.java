package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.server.KeySpec;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.Server;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MEMORY: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP (Redis 7.0's object.c memoryCommand).
 *
 * <p>The figures are the keyspace's incremental estimates of docs/memory.md, the same ones INFO
 * memory and maxmemory use: USAGE is a key's entry estimate (its value's estimate is sampled for
 * big encodings the way Redis samples; the SAMPLES argument is validated as Redis does, the
 * estimate itself always uses the value type's own sample count), STATS is INFO memory's figures
 * in Redis's MEMORY STATS shape, DOCTOR applies Redis's rules to them, MALLOC-STATS answers what
 * Redis built without jemalloc answers, PURGE asks the JVM for a collection.
 */
public final class MemoryCommands {
    private MemoryCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("memory", -2)
                .doc("server", "4.0.0", "A container for memory diagnostics commands", "Depends on subcommand.")
                .sub(cmd("doctor", 2)
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .doc("server", "4.0.0", "Outputs memory problems report", "O(1)")
                        .handler(MemoryCommands::doctor))
                .sub(cmd("help", 2).flags(LOADING, STALE)
                        .doc("server", "4.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(MemoryCommands::help))
                .sub(cmd("malloc-stats", 2)
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .doc("server", "4.0.0", "Show allocator internal stats", "Depends on how much memory is allocated, could be slow")
                        .handler(MemoryCommands::mallocStats))
                .sub(cmd("purge", 2)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .doc("server", "4.0.0", "Ask the allocator to release memory", "Depends on how much memory is allocated, could be slow")
                        .handler(MemoryCommands::purge))
                .sub(cmd("stats", 2)
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .doc("server", "4.0.0", "Show memory usage details", "O(1)")
                        .handler(MemoryCommands::stats))
                .sub(cmd("usage", -3).flags(READONLY)
                        .key(KeySpec.flags("RO").index(2).range(0, 1, 0))
                        .doc("server", "4.0.0", "Estimate the memory usage of a key", "O(N) where N is the number of samples.")
                        .handler(MemoryCommands::usage)));
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "DOCTOR",
                "    Return memory problems reports.",
                "MALLOC-STATS",
                "    Return internal statistics report from the memory allocator.",
                "PURGE",
                "    Attempt to purge dirty pages for reclamation by the allocator.",
                "STATS",
                "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }

    static void usage(Client c, byte[][] argv) {
        for (int j = 3; j < argv.length; j++) {
            if (Args.is(argv[j], "samples") && j + 1 < argv.length) {
                Long n = Args.longOrReply(c, argv[j + 1]);
                if (n == null) return;
                if (n < 0) {
                    Args.error(c, "ERR syntax error");
                    return;
                }
                j++;
            } else {
                Args.error(c, "ERR syntax error");
                return;
            }
        }
        long bytes = c.db().memoryUsage(argv[2]);
        if (bytes < 0) c.reply().nullBulk();
        else c.reply().integer(bytes);
    }

    private static Map<String, String> info(Server srv) {
        Map<String, String> f = new LinkedHashMap<>();
        InfoCommand.memory(srv, f);
        return f;
    }

    private static long num(Map<String, String> f, String k) {
        String v = f.get(k);
        if (v == null) return 0;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    static void stats(Client c, byte[][] argv) {
        Server srv = c.server();
        Map<String, String> f = info(srv);
        long used = num(f, "used_memory");
        long peak = num(f, "used_memory_peak");
        long startup = num(f, "used_memory_startup");
        long overhead = num(f, "used_memory_overhead");
        long dataset = num(f, "used_memory_dataset");
        long allocated = num(f, "allocator_allocated");
        long active = num(f, "allocator_active");
        long resident = num(f, "allocator_resident");
        long rss = num(f, "used_memory_rss");
        long keys = srv.keyspace().totalKeys();
        int dbs = 0;
        for (int i = 0; i < srv.keyspace().databases(); i++) {
            if (srv.keyspace().db(i).size() > 0) dbs++;
        }
        Reply r = c.reply();
        r.map(27 + dbs);
        field(r, "peak.allocated", peak);
        field(r, "total.allocated", used);
        field(r, "startup.allocated", startup);
        field(r, "replication.backlog", num(f, "mem_replication_backlog"));
        field(r, "clients.slaves", num(f, "mem_clients_slaves"));
        field(r, "clients.normal", num(f, "mem_clients_normal"));
        field(r, "cluster.links", num(f, "mem_cluster_links"));
        field(r, "aof.buffer", num(f, "mem_aof_buffer"));
        field(r, "lua.caches", num(f, "used_memory_scripts_eval"));
        field(r, "functions.caches", num(f, "used_memory_functions"));
        for (int i = 0; i < srv.keyspace().databases(); i++) {
            Db db = srv.keyspace().db(i);
            if (db.size() == 0) continue;
            r.bulk("db." + i);
            r.map(3);
            // Our table's per-key overhead is inside each entry's estimate (docs/memory.md);
            // the per-slot arrays are the "hash table" part.
            field(r, "overhead.hashtable.main", db.size() * 16);
            field(r, "overhead.hashtable.expires", db.expiresCount() * 8);
            field(r, "overhead.hashtable.slot-to-keys", 0);
        }
        field(r, "overhead.total", overhead);
        field(r, "keys.count", keys);
        field(r, "keys.bytes-per-key", keys == 0 ? 0 : (used - startup) / keys);
        field(r, "dataset.bytes", dataset);
        r.bulk("dataset.percentage");
        r.dbl(used - startup <= 0 ? 0 : Math.max(0, dataset) * 100.0 / (used - startup));
        r.bulk("peak.percentage");
        r.dbl(peak == 0 ? 0 : used * 100.0 / peak);
        field(r, "allocator.allocated", allocated);
        field(r, "allocator.active", active);
        field(r, "allocator.resident", resident);
        r.bulk("allocator-fragmentation.ratio");
        r.dbl(ratio(active, allocated));
        field(r, "allocator-fragmentation.bytes", active - allocated);
        r.bulk("allocator-rss.ratio");
        r.dbl(ratio(resident, active));
        field(r, "allocator-rss.bytes", resident - active);
        r.bulk("rss-overhead.ratio");
        r.dbl(ratio(rss, resident));
        field(r, "rss-overhead.bytes", rss - resident);
        r.bulk("fragmentation");
        r.dbl(ratio(rss, used));
        field(r, "fragmentation.bytes", rss - used);
    }

    private static void field(Reply r, String name, long v) {
        r.bulk(name);
        r.integer(v);
    }

    static void doctor(Client c, byte[][] argv) {
        c.reply().verbatim(report(c.server()), "txt");
    }

    /** Redis's getMemoryDoctorReport rules over our figures. */
    static String report(Server srv) {
        Map<String, String> f = info(srv);
        long used = num(f, "used_memory");
        long peak = num(f, "used_memory_peak");
        long allocated = num(f, "allocator_allocated");
        long active = num(f, "allocator_active");
        long resident = num(f, "allocator_resident");
        long rss = num(f, "used_memory_rss");
        long replicas = 0;
        for (Client cl : srv.clients().values()) {
            if (cl.isReplica()) replicas++;
        }
        long clients = Math.max(1, srv.clients().size() - replicas);
        boolean empty = used < 5L * 1024 * 1024;
        StringBuilder s = new StringBuilder();
        int reports = 0;
        if (empty) {
            return "Hi Sam, this instance is empty or is using very little memory, "
                    + "my issues detector can't be used in these conditions. "
                    + "Please, leave for your mission on Earth and fill it with some data. "
                    + "The new Sam and I will be back to our programming as soon as I "
                    + "finished rebooting.\n";
        }
        final long tenMb = 10L << 20;
        if ((double) peak / used > 1.5) {
            reports++;
            s.append(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n");
        }
        if (ratio(rss, used) > 1.4 && rss - used > tenMb) {
            reports++;
            s.append(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"")
                    .append(f.getOrDefault("mem_allocator", "jvm")).append("\".\n\n");
        }
        if (ratio(active, allocated) > 1.1 && active - allocated > tenMb) {
            reports++;
            s.append(" * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n");
        }
        if (ratio(resident, active) > 1.1 && resident - active > tenMb) {
            reports++;
            s.append(" * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n");
        }
        if (replicas > 0 && num(f, "mem_clients_slaves") > tenMb) {
            reports++;
            s.append(" * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each replica (on average). This likely means that there is some replica instance that is struggling receiving data, either because it is too slow or because of networking issues. As a result, data piles on the master output buffers. Please try to identify what replica is not receiving data correctly and why. You can use the INFO output in order to check the replicas delays and the CLIENT LIST command to check the output buffers of each replica.\n\n");
        }
        if (num(f, "mem_clients_normal") / clients > 1024 * 200) {
            reports++;
            s.append(" * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n");
        }
        if (num(f, "number_of_cached_scripts") > 1000) {
            reports++;
            s.append(" * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n");
        }
        if (reports == 0) {
            return "Hi Sam, I can't find any memory issue in your instance. "
                    + "I can only account for what occurs on this base.\n";
        }
        return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + s
                + "I'm here to keep you safe, Sam. I want to help you.\n";
    }

    static void mallocStats(Client c, byte[][] argv) {
        c.reply().bulk("Stats not supported for the current allocator");
    }

    static void purge(Client c, byte[][] argv) {
        System.gc();
        c.reply().ok();
    }
}
