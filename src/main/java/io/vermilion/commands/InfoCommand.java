package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.DANGEROUS;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.config.Config;
import io.vermilion.keyspace.Db;
import io.vermilion.node.Main;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.Server;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO [section ...]: Redis 7.0's sections, in its order and with its field names. Values are
 * real where the node has them (memory from the JVM heap and /proc, CPU from /proc and the JVM,
 * connections, commands, errors, keyspace) and Redis's idle values where the concept does not
 * exist (yet) here: persistence and replication report "nothing happened", Lua and modules are
 * absent. Families that own such a concept fill their fields through
 * {@link Server#addInfoContributor}.
 */
public final class InfoCommand {
    private InfoCommand() {}

    /** Every section, in output order. */
    static final List<String> SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");
    /** What INFO and INFO default show. */
    static final Set<String> DEFAULT = Set.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

    public static void register(CommandTable t) {
        t.add(cmd("info", -1).flags(LOADING, STALE).acl(DANGEROUS)
                .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                .doc("server", "1.0.0", "Get information and statistics about the server", "O(1)")
                .handler(InfoCommand::info));
    }

    static void info(Client c, byte[][] argv) {
        Set<String> wanted = new LinkedHashSet<>();
        if (argv.length == 1) {
            wanted.addAll(DEFAULT);
        } else {
            for (int i = 1; i < argv.length; i++) {
                String s = Args.latin1(argv[i]).toLowerCase(Locale.ROOT);
                switch (s) {
                    case "all": case "everything":
                        wanted.addAll(SECTIONS);
                        break;
                    case "default":
                        wanted.addAll(DEFAULT);
                        break;
                    default:
                        wanted.add(s);
                }
            }
        }
        c.reply().verbatim(build(c, wanted), "txt");
    }

    /** The INFO text for the wanted sections (lower-case names). */
    public static String build(Client c, Set<String> wanted) {
        Server srv = c.server();
        StringBuilder out = new StringBuilder(4096);
        for (String section : SECTIONS) {
            if (!wanted.contains(section)) continue;
            Map<String, String> f = new LinkedHashMap<>();
            String title = fill(c, srv, section, f);
            srv.contributeInfo(section, f);
            if (out.length() > 0) out.append("\r\n");
            out.append("# ").append(title).append("\r\n");
            for (Map.Entry<String, String> e : f.entrySet()) {
                out.append(e.getKey()).append(':').append(e.getValue()).append("\r\n");
            }
        }
        return out.toString();
    }

    /** Fills one section's fields; returns its title. */
    private static String fill(Client c, Server srv, String section, Map<String, String> f) {
        switch (section) {
            case "server": server(srv, f); return "Server";
            case "clients": clients(srv, f); return "Clients";
            case "memory": memory(srv, f); return "Memory";
            case "persistence": persistence(srv, f); return "Persistence";
            case "stats": stats(srv, f); return "Stats";
            case "replication": replication(srv, f); return "Replication";
            case "cpu": cpu(f); return "CPU";
            case "modules": return "Modules";
            case "commandstats": commandStats(srv, f); return "Commandstats";
            case "errorstats":
                for (Map.Entry<String, Long> e : srv.errorStats().entrySet()) {
                    f.put("errorstat_" + e.getKey(), "count=" + e.getValue());
                }
                return "Errorstats";
            case "latencystats": latencyStats(srv, f); return "Latencystats";
            case "cluster": f.put("cluster_enabled", srv.clusterEnabled() ? "1" : "0"); return "Cluster";
            case "keyspace": keyspace(srv, f); return "Keyspace";
            default: throw new IllegalArgumentException(section);
        }
    }

    // ------------------------------------------------------------------ sections

    private static void server(Server srv, Map<String, String> f) {
        Config cfg = srv.config();
        long nowMs = System.currentTimeMillis();
        long uptime = srv.uptimeMs() / 1000;
        f.put("redis_version", Main.REDIS_VERSION);
        f.put("vermilion_version", Main.VERSION);
        f.put("redis_git_sha1", "00000000");
        f.put("redis_git_dirty", "0");
        f.put("redis_build_id", buildId());
        f.put("redis_mode", srv.clusterEnabled() ? "cluster" : "standalone");
        f.put("os", osName());
        f.put("arch_bits", System.getProperty("sun.arch.data.model", "64"));
        f.put("monotonic_clock", "POSIX clock_gettime");
        f.put("multiplexing_api", srv.multiplexingApi());
        f.put("atomicvar_api", "jvm");
        f.put("gcc_version", "0.0.0");
        f.put("process_id", Long.toString(ProcessHandle.current().pid()));
        f.put("process_supervised", "no");
        f.put("run_id", srv.runId());
        // As Redis: the TLS port when there is no plaintext one.
        f.put("tcp_port", Integer.toString(srv.tcpPort() != 0 ? srv.tcpPort() : srv.config().getInt("tls-port")));
        f.put("server_time_usec", Long.toString(nowUsec()));
        f.put("uptime_in_seconds", Long.toString(uptime));
        f.put("uptime_in_days", Long.toString(uptime / 86400));
        f.put("hz", cfg.get("hz"));
        f.put("configured_hz", cfg.get("hz"));
        f.put("lru_clock", Long.toString((nowMs / 1000) & ((1 << 24) - 1)));
        f.put("executable", ProcessHandle.current().info().command().orElse(""));
        f.put("config_file", cfg.configFile() == null ? "" : cfg.configFile().toString());
        // Redis turns its I/O threads on and off with the load; ours serve their connections
        // whenever io-threads is above 1 (docs/architecture.md "I/O threads").
        f.put("io_threads_active", cfg.getInt("io-threads") > 1 ? "1" : "0");
    }

    private static void clients(Server srv, Map<String, String> f) {
        int blocked = 0, maxIn = 0, maxOut = 0;
        for (Client o : srv.clients().values()) {
            if (o.blocked()) blocked++;
            maxIn = Math.max(maxIn, o.queryBufferBytes() + o.queryBufferFree());
            maxOut = (int) Math.max(maxOut, o.pendingOutputBytes());
        }
        f.put("connected_clients", Integer.toString(srv.clients().size()));
        f.put("cluster_connections", "0");
        f.put("maxclients", srv.config().get("maxclients"));
        f.put("client_recent_max_input_buffer", Long.toString(Math.max(maxIn, srv.clientLimits().recentMaxInput())));
        f.put("client_recent_max_output_buffer", Long.toString(Math.max(maxOut, srv.clientLimits().recentMaxOutput())));
        f.put("blocked_clients", Integer.toString(blocked));
        f.put("tracking_clients", "0");
        f.put("clients_in_timeout_table", Integer.toString(srv.blocking().clientsWithTimeout()));
    }

    /** The INFO memory fields; MEMORY STATS and MEMORY DOCTOR read the same figures. */
    static void memory(Server srv, Map<String, String> f) {
        Runtime rt = Runtime.getRuntime();
        // used_memory is the incremental estimate maxmemory compares with (docs/memory.md); the
        // allocator_* fields show the JVM heap as it is. The client-buffer share is the one the
        // cron measured last, the figure eviction compared with before this command.
        long used = srv.maxMemory().usedMemory();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        long committed = rt.totalMemory();
        long rss = rssBytes();
        if (rss <= 0) rss = committed;
        long peak = srv.notePeakMemory(used);
        long startup = srv.maxMemory().startupBytes();
        long overhead = startup + srv.maxMemory().clientsBytes() + srv.maxMemory().notCountedForEvict();
        overhead = Math.min(overhead, used);
        long dataset = used - overhead;
        long netUsed = Math.max(1, used - startup);
        long maxmemory = srv.config().getLong("maxmemory");
        long total = totalSystemMemory();
        f.put("used_memory", Long.toString(used));
        f.put("used_memory_human", human(used));
        f.put("used_memory_rss", Long.toString(rss));
        f.put("used_memory_rss_human", human(rss));
        f.put("used_memory_peak", Long.toString(peak));
        f.put("used_memory_peak_human", human(peak));
        f.put("used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peak == 0 ? 0 : used * 100.0 / peak));
        f.put("used_memory_overhead", Long.toString(overhead));
        f.put("used_memory_startup", Long.toString(startup));
        f.put("used_memory_dataset", Long.toString(dataset));
        f.put("used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%", Math.max(0, dataset) * 100.0 / netUsed));
        f.put("allocator_allocated", Long.toString(heapUsed));
        f.put("allocator_active", Long.toString(committed));
        f.put("allocator_resident", Long.toString(rss));
        f.put("total_system_memory", Long.toString(total));
        f.put("total_system_memory_human", human(total));
        // The figures of an idle Redis 7.0; scripting.Scripting replaces the counts once it exists.
        f.put("used_memory_lua", "32768");
        f.put("used_memory_vm_eval", "32768");
        f.put("used_memory_lua_human", "32.00K");
        f.put("used_memory_scripts_eval", "0");
        f.put("number_of_cached_scripts", "0");
        f.put("number_of_functions", "0");
        f.put("number_of_libraries", "0");
        f.put("used_memory_vm_functions", "32768");
        f.put("used_memory_vm_total", "65536");
        f.put("used_memory_vm_total_human", "64.00K");
        f.put("used_memory_functions", "0");
        f.put("used_memory_scripts", "0");
        f.put("used_memory_scripts_human", "0B");
        f.put("maxmemory", Long.toString(maxmemory));
        f.put("maxmemory_human", human(maxmemory));
        f.put("maxmemory_policy", srv.config().get("maxmemory-policy"));
        f.put("allocator_frag_ratio", ratio(committed, heapUsed));
        f.put("allocator_frag_bytes", Long.toString(committed - heapUsed));
        f.put("allocator_rss_ratio", ratio(rss, committed));
        f.put("allocator_rss_bytes", Long.toString(rss - committed));
        f.put("rss_overhead_ratio", ratio(rss, committed));
        f.put("rss_overhead_bytes", Long.toString(rss - committed));
        f.put("mem_fragmentation_ratio", ratio(rss, used));
        f.put("mem_fragmentation_bytes", Long.toString(rss - used));
        f.put("mem_not_counted_for_evict", Long.toString(srv.maxMemory().notCountedForEvict()));
        f.put("mem_replication_backlog", "0");
        f.put("mem_total_replication_buffers", "0");
        f.put("mem_clients_slaves", Long.toString(srv.maxMemory().notCountedForEvict()));
        f.put("mem_clients_normal", Long.toString(srv.maxMemory().clientsBytes()));
        f.put("mem_cluster_links", "0");
        f.put("mem_aof_buffer", "0");
        f.put("mem_allocator", "jvm-" + Runtime.version().feature());
        f.put("active_defrag_running", "0");
        f.put("lazyfree_pending_objects", "0");
        f.put("lazyfreed_objects", "0");
    }

    private static void persistence(Server srv, Map<String, String> f) {
        // The persistence module publishes its numbers (saves, AOF, loading) in Redis's order.
        f.putAll(srv.persistence().fields());
    }

    private static void stats(Server srv, Map<String, String> f) {
        var st = srv.stats();
        var ks = srv.keyspace().stats();
        var m = srv.metrics();
        f.put("total_connections_received", Long.toString(st.totalConnections));
        f.put("total_commands_processed", Long.toString(st.commandsProcessed));
        f.put("instantaneous_ops_per_sec", Long.toString(m.opsPerSec()));
        f.put("total_net_input_bytes", Long.toString(st.netInputBytes));
        f.put("total_net_output_bytes", Long.toString(st.netOutputBytes));
        f.put("total_net_repl_input_bytes", "0");
        f.put("total_net_repl_output_bytes", "0");
        f.put("instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", m.inputKbps()));
        f.put("instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", m.outputKbps()));
        f.put("instantaneous_input_repl_kbps", "0.00");
        f.put("instantaneous_output_repl_kbps", "0.00");
        f.put("rejected_connections", Long.toString(st.rejectedConnections));
        f.put("sync_full", "0");
        f.put("sync_partial_ok", "0");
        f.put("sync_partial_err", "0");
        f.put("expired_keys", Long.toString(ks.expiredKeys));
        f.put("expired_stale_perc", "0.00");
        f.put("expired_time_cap_reached_count", "0");
        f.put("expire_cycle_cpu_milliseconds", "0");
        f.put("evicted_keys", Long.toString(st.evictedKeys));
        f.put("evicted_clients", Long.toString(st.evictedClients));
        f.put("total_eviction_exceeded_time", Long.toString(srv.maxMemory().totalExceededUs() / 1000));
        f.put("current_eviction_exceeded_time", Long.toString(srv.maxMemory().currentExceededUs() / 1000));
        f.put("keyspace_hits", Long.toString(ks.keyspaceHits));
        f.put("keyspace_misses", Long.toString(ks.keyspaceMisses));
        f.put("pubsub_channels", "0");
        f.put("pubsub_patterns", "0");
        f.put("pubsubshard_channels", "0");
        f.put("latest_fork_usec", "0");
        f.put("total_forks", "0");
        f.put("migrate_cached_sockets", "0");
        f.put("slave_expires_tracked_keys", "0");
        f.put("active_defrag_hits", "0");
        f.put("active_defrag_misses", "0");
        f.put("active_defrag_key_hits", "0");
        f.put("active_defrag_key_misses", "0");
        f.put("total_active_defrag_time", "0");
        f.put("current_active_defrag_time", "0");
        f.put("tracking_total_keys", "0");
        f.put("tracking_total_items", "0");
        f.put("tracking_total_prefixes", "0");
        f.put("unexpected_error_replies", "0");
        f.put("total_error_replies", Long.toString(st.errorReplies));
        f.put("dump_payload_sanitizations", "0");
        f.put("total_reads_processed", Long.toString(st.readsProcessed));
        f.put("total_writes_processed", Long.toString(st.writesProcessed));
        f.put("io_threaded_reads_processed", "0");
        f.put("io_threaded_writes_processed", "0");
        f.put("reply_buffer_shrinks", "0");
        f.put("reply_buffer_expands", "0");
    }

    private static void replication(Server srv, Map<String, String> f) {
        f.put("role", srv.isReplica() ? "slave" : "master");
        f.put("connected_slaves", "0");
        f.put("master_failover_state", "no-failover");
        f.put("master_replid", srv.replId());
        f.put("master_replid2", "0000000000000000000000000000000000000000");
        f.put("master_repl_offset", "0");
        f.put("second_repl_offset", "-1");
        f.put("repl_backlog_active", "0");
        f.put("repl_backlog_size", srv.config().get("repl-backlog-size"));
        f.put("repl_backlog_first_byte_offset", "0");
        f.put("repl_backlog_histlen", "0");
    }

    private static void cpu(Map<String, String> f) {
        long[] ticks = procStatTimes(); // utime, stime, cutime, cstime in clock ticks
        double hz = 100.0;              // USER_HZ on Linux
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        long userNs = 0, cpuNs = 0;
        try {
            userNs = tb.getCurrentThreadUserTime();
            cpuNs = tb.getCurrentThreadCpuTime();
        } catch (UnsupportedOperationException e) {
            // no per-thread CPU time on this JVM
        }
        f.put("used_cpu_sys", seconds(ticks[1] / hz));
        f.put("used_cpu_user", seconds(ticks[0] / hz));
        f.put("used_cpu_sys_children", seconds(ticks[3] / hz));
        f.put("used_cpu_user_children", seconds(ticks[2] / hz));
        f.put("used_cpu_sys_main_thread", seconds(Math.max(0, cpuNs - userNs) / 1e9));
        f.put("used_cpu_user_main_thread", seconds(Math.max(0, userNs) / 1e9));
    }

    private static void commandStats(Server srv, Map<String, String> f) {
        for (CommandSpec s : srv.commands().allWithSubcommands()) {
            if (s.calls() == 0 && s.failedCalls() == 0 && s.rejectedCalls() == 0) continue;
            f.put("cmdstat_" + s.fullName(), "calls=" + s.calls() + ",usec=" + s.usec()
                    + ",usec_per_call=" + String.format(Locale.ROOT, "%.2f", s.calls() == 0 ? 0.0 : (double) s.usec() / s.calls())
                    + ",rejected_calls=" + s.rejectedCalls() + ",failed_calls=" + s.failedCalls());
        }
    }

    private static void latencyStats(Server srv, Map<String, String> f) {
        String conf = srv.config().get("latency-tracking-info-percentiles");
        List<String> ps = conf.isEmpty() ? List.of() : List.of(conf.split(" "));
        for (CommandSpec s : srv.commands().allWithSubcommands()) {
            org.HdrHistogram.Histogram h = s.latencyHistogram();
            if (h == null || h.getTotalCount() == 0) continue;
            StringBuilder v = new StringBuilder();
            for (String p : ps) {
                double pct = Double.parseDouble(p);
                if (v.length() > 0) v.append(',');
                v.append('p').append(new BigDecimal(p).stripTrailingZeros().toPlainString()).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", h.getValueAtPercentile(pct) / 1000.0));
            }
            f.put("latency_percentiles_usec_" + s.fullName(), v.toString());
        }
    }

    private static void keyspace(Server srv, Map<String, String> f) {
        for (int i = 0; i < srv.keyspace().databases(); i++) {
            Db db = srv.keyspace().db(i);
            if (db.size() == 0) continue;
            f.put("db" + i, "keys=" + db.size() + ",expires=" + db.expiresCount() + ",avg_ttl=" + avgTtl(db));
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * An estimate of the mean remaining TTL (ms) of the keys that have one. Redis keeps a running
     * estimate from its expire cycle; here a few random keys are sampled when INFO asks.
     */
    static long avgTtl(Db db) {
        if (db.expiresCount() == 0) return 0;
        long now = System.currentTimeMillis();
        long sum = 0;
        int n = 0;
        for (int i = 0; i < 32; i++) {
            byte[] k = db.randomKey();
            if (k == null) break;
            long at = db.getExpire(k);
            if (at >= 0 && at != Db.NO_EXPIRE) {
                sum += Math.max(0, at - now);
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    static long nowUsec() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Redis's bytesToHuman: B, K, M, G, T, P with two decimals. */
    static String human(long n) {
        if (n < 0) return "-" + human(-n);
        double d = n;
        if (n < 1024) return n + "B";
        if (n < 1024L * 1024) return String.format(Locale.ROOT, "%.2fK", d / 1024);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.2fM", d / (1024 * 1024));
        if (n < 1024L * 1024 * 1024 * 1024) return String.format(Locale.ROOT, "%.2fG", d / (1024L * 1024 * 1024));
        if (n < 1024L * 1024 * 1024 * 1024 * 1024) return String.format(Locale.ROOT, "%.2fT", d / (1024L * 1024 * 1024 * 1024));
        return String.format(Locale.ROOT, "%.2fP", d / (1024L * 1024 * 1024 * 1024 * 1024));
    }

    private static String ratio(long a, long b) {
        return String.format(Locale.ROOT, "%.2f", b == 0 ? 0.0 : (double) a / b);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.6f", s);
    }

    private static String osName() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64")) arch = "x86_64";
        return System.getProperty("os.name", "") + " " + System.getProperty("os.version", "") + " " + arch;
    }

    private static String buildId() {
        // Stable per version, like Redis's build id for one binary.
        return String.format("%016x", (long) ("vermilion-" + Main.VERSION).hashCode() & 0xffffffffL).substring(1);
    }

    /** Resident set size from /proc/self/statm, or -1 where there is none. */
    static long rssBytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(statm[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long totalSystemMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** utime, stime, cutime, cstime of this process in clock ticks (zeros where /proc is absent). */
    private static long[] procStatTimes() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the parenthesised command name, which may contain spaces.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // rest[0] is field 3 (state); utime is field 14.
            return new long[] {Long.parseLong(rest[11]), Long.parseLong(rest[12]),
                    Long.parseLong(rest[13]), Long.parseLong(rest[14])};
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
    }
}
