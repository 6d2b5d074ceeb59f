package io.vermilion.config;

import static io.vermilion.config.Directive.DEBUG;
import static io.vermilion.config.Directive.DENY_LOADING;
import static io.vermilion.config.Directive.HIDDEN;
import static io.vermilion.config.Directive.IMMUTABLE;
import static io.vermilion.config.Directive.MEMORY;
import static io.vermilion.config.Directive.MULTI_ARG;
import static io.vermilion.config.Directive.OCTAL;
import static io.vermilion.config.Directive.PERCENT;
import static io.vermilion.config.Directive.PROTECTED;
import static io.vermilion.config.Directive.SENSITIVE;
import static io.vermilion.config.Directive.VOLATILE;

import java.util.ArrayList;
import java.util.List;

/**
 * The directive table: every standard directive of Redis 7.0 (names, aliases, flags, bounds and
 * defaults as in Redis 7.0.15 built with TLS, tls-* included). Most of them are accepted for
 * compatibility and only stored; see docs/config.md for what takes effect and docs/tls.md for TLS.
 */
final class Directives {
    private Directives() {}

    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long UINT_MAX = 0xffffffffL;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final long ULLONG_MAX = -1L; // compared unsigned

    /** Fresh directive objects, in table order (which is also the order of appended rewrite lines). */
    static List<Directive> create() {
        List<Directive> t = new ArrayList<>();

        // yes/no
        t.add(bool("rdbchecksum", null, IMMUTABLE, true));
        t.add(bool("daemonize", null, IMMUTABLE, false));
        t.add(bool("io-threads-do-reads", null, DEBUG | IMMUTABLE, false));
        t.add(bool("always-show-logo", null, IMMUTABLE, false));
        t.add(bool("protected-mode", null, 0, true));
        t.add(bool("rdbcompression", null, 0, true));
        t.add(bool("rdb-del-sync-files", null, 0, false));
        t.add(bool("activerehashing", null, 0, true));
        t.add(bool("stop-writes-on-bgsave-error", null, 0, true));
        t.add(bool("set-proc-title", null, IMMUTABLE, true));
        t.add(bool("dynamic-hz", null, 0, true));
        t.add(bool("lazyfree-lazy-eviction", null, DEBUG, false));
        t.add(bool("lazyfree-lazy-expire", null, DEBUG, false));
        t.add(bool("lazyfree-lazy-server-del", null, DEBUG, false));
        t.add(bool("lazyfree-lazy-user-del", null, DEBUG, false));
        t.add(bool("lazyfree-lazy-user-flush", null, DEBUG, false));
        t.add(bool("repl-disable-tcp-nodelay", null, 0, false));
        t.add(bool("repl-diskless-sync", null, DEBUG, true));
        t.add(bool("aof-rewrite-incremental-fsync", null, 0, true));
        t.add(bool("no-appendfsync-on-rewrite", null, 0, false));
        t.add(bool("cluster-require-full-coverage", null, 0, true));
        t.add(bool("rdb-save-incremental-fsync", null, 0, true));
        t.add(bool("aof-load-truncated", null, 0, true));
        t.add(bool("aof-use-rdb-preamble", null, 0, true));
        t.add(bool("aof-timestamp-enabled", null, 0, false));
        t.add(bool("cluster-replica-no-failover", "cluster-slave-no-failover", 0, false));
        t.add(bool("replica-lazy-flush", "slave-lazy-flush", 0, false));
        t.add(bool("replica-serve-stale-data", "slave-serve-stale-data", 0, true));
        t.add(bool("replica-read-only", "slave-read-only", DEBUG, true));
        t.add(bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, true));
        t.add(bool("jemalloc-bg-thread", null, 0, true));
        t.add(bool("activedefrag", null, DEBUG, false));
        t.add(bool("syslog-enabled", null, IMMUTABLE, false));
        t.add(bool("cluster-enabled", null, IMMUTABLE, false));
        t.add(bool("appendonly", null, DENY_LOADING, false));
        t.add(bool("cluster-allow-reads-when-down", null, 0, false));
        t.add(bool("cluster-allow-pubsubshard-when-down", null, 0, true));
        t.add(bool("crash-log-enabled", null, 0, true));
        t.add(bool("crash-memcheck-enabled", null, 0, true));
        t.add(bool("use-exit-on-panic", null, HIDDEN, false));
        t.add(bool("disable-thp", null, IMMUTABLE, true));
        t.add(bool("cluster-allow-replica-migration", null, 0, true));
        t.add(bool("replica-announced", null, 0, true));
        t.add(bool("latency-tracking", null, 0, true));
        t.add(bool("aof-disable-auto-gc", null, 0, false));
        t.add(bool("replica-ignore-disk-write-errors", null, 0, false));

        // strings: emptyIsNull=true means "" unsets the value (no line in a rewritten file)
        t.add(str("aclfile", null, IMMUTABLE, false, "", null));
        t.add(str("unixsocket", null, IMMUTABLE, true, null, null));
        t.add(str("pidfile", null, IMMUTABLE, true, null, null));
        t.add(str("replica-announce-ip", "slave-announce-ip", 0, true, null, null));
        t.add(str("masteruser", null, SENSITIVE, true, null, null));
        t.add(str("cluster-announce-ip", null, 0, true, null, null));
        t.add(str("cluster-config-file", null, IMMUTABLE, false, "nodes.conf", null));
        t.add(str("cluster-announce-hostname", null, 0, true, null, Directives::checkHostname));
        t.add(str("syslog-ident", null, IMMUTABLE, false, "redis", null));
        t.add(str("dbfilename", null, PROTECTED, false, "dump.rdb",
                (c, v) -> isBaseName(v) ? null : "dbfilename can't be a path, just a filename"));
        t.add(str("appendfilename", null, IMMUTABLE, false, "appendonly.aof",
                (c, v) -> v.isEmpty() ? "appendfilename can't be empty"
                        : isBaseName(v) ? null : "appendfilename can't be a path, just a filename"));
        t.add(str("appenddirname", null, IMMUTABLE, false, "appendonlydir",
                (c, v) -> v.isEmpty() ? "appenddirname can't be empty"
                        : isBaseName(v) ? null : "appenddirname can't be a path, just a dirname"));
        t.add(str("server_cpulist", null, IMMUTABLE, true, null, null));
        t.add(str("bio_cpulist", null, IMMUTABLE, true, null, null));
        t.add(str("aof_rewrite_cpulist", null, IMMUTABLE, true, null, null));
        t.add(str("bgsave_cpulist", null, IMMUTABLE, true, null, null));
        t.add(str("ignore-warnings", null, 0, false, "", null));
        t.add(str("proc-title-template", null, 0, false, "{title} {listen-addr} {server-mode}",
                (c, v) -> c.procTitleValid(v) ? null : "template format is invalid or contains unknown variables"));
        t.add(str("bind-source-addr", null, 0, true, null, null));
        t.add(str("logfile", null, IMMUTABLE, false, "", null));
        t.add(str("masterauth", null, SENSITIVE, true, null, null));
        t.add(str("requirepass", null, SENSITIVE, true, null, null));

        // enums
        t.add(en("supervised", IMMUTABLE, "no", "upstart", "systemd", "auto", "no"));
        t.add(en("syslog-facility", IMMUTABLE, "local0",
                "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"));
        t.add(en("repl-diskless-load", DEBUG | DENY_LOADING, "disabled", "disabled", "on-empty-db", "swapdb"));
        t.add(en("loglevel", 0, "notice", "debug", "verbose", "notice", "warning"));
        t.add(en("maxmemory-policy", 0, "noeviction", "volatile-lru", "volatile-lfu", "volatile-random",
                "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        t.add(en("appendfsync", 0, "everysec", "everysec", "always", "no"));
        // "yes" and "relative" are the same setting; it prints as "yes".
        t.add(new Directive.Enum("oom-score-adj", null, 0, new String[] {"no", "yes", "relative", "absolute"},
                new int[] {0, 1, 1, 2}, 0, null));
        t.add(new Directive.Enum("acl-pubsub-default", null, 0, new String[] {"allchannels", "resetchannels"},
                new int[] {1, 0}, 0, null));
        t.add(en("sanitize-dump-payload", DEBUG, "no", "no", "yes", "clients"));
        t.add(en("enable-protected-configs", IMMUTABLE, "no", "no", "yes", "local"));
        t.add(en("enable-debug-command", IMMUTABLE, "no", "no", "yes", "local"));
        t.add(en("enable-module-command", IMMUTABLE, "no", "no", "yes", "local"));
        t.add(en("cluster-preferred-endpoint-type", 0, "ip", "ip", "hostname", "unknown-endpoint"));
        t.add(en("propagation-error-behavior", 0, "ignore", "ignore", "panic", "panic-on-replicas"));
        t.add(shutdownOnSignal("shutdown-on-sigint"));
        t.add(shutdownOnSignal("shutdown-on-sigterm"));

        // signed integers (C int)
        t.add(num("databases", null, IMMUTABLE, 1, INT_MAX, 16));
        t.add(num("port", null, 0, 0, 65535, 6379));
        t.add(num("io-threads", null, DEBUG | IMMUTABLE, 1, 128, 1));
        t.add(num("auto-aof-rewrite-percentage", null, 0, 0, INT_MAX, 100));
        t.add(num("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 0, INT_MAX, 10));
        t.add(num("list-max-listpack-size", "list-max-ziplist-size", 0, INT_MIN, INT_MAX, -2));
        t.add(num("tcp-keepalive", null, 0, 0, INT_MAX, 300));
        t.add(num("cluster-migration-barrier", null, 0, 0, INT_MAX, 1));
        t.add(num("active-defrag-cycle-min", null, 0, 1, 99, 1));
        t.add(num("active-defrag-cycle-max", null, 0, 1, 99, 25));
        t.add(num("active-defrag-threshold-lower", null, 0, 0, 1000, 10));
        t.add(num("active-defrag-threshold-upper", null, 0, 0, 1000, 100));
        t.add(num("lfu-log-factor", null, 0, 0, INT_MAX, 10));
        t.add(num("lfu-decay-time", null, 0, 0, INT_MAX, 1));
        t.add(num("replica-priority", "slave-priority", 0, 0, INT_MAX, 100));
        t.add(num("repl-diskless-sync-delay", null, 0, 0, INT_MAX, 5));
        t.add(num("maxmemory-samples", null, 0, 1, INT_MAX, 5));
        t.add(num("maxmemory-eviction-tenacity", null, 0, 0, 100, 10));
        t.add(num("timeout", null, 0, 0, INT_MAX, 0));
        t.add(num("replica-announce-port", "slave-announce-port", 0, 0, 65535, 0));
        t.add(num("tcp-backlog", null, IMMUTABLE, 0, INT_MAX, 511));
        t.add(num("cluster-port", null, IMMUTABLE, 0, 65535, 0));
        t.add(num("cluster-announce-bus-port", null, 0, 0, 65535, 0));
        t.add(num("cluster-announce-port", null, 0, 0, 65535, 0));
        t.add(num("cluster-announce-tls-port", null, 0, 0, 65535, 0));
        t.add(num("repl-timeout", null, 0, 1, INT_MAX, 60));
        t.add(num("repl-ping-replica-period", "repl-ping-slave-period", 0, 1, INT_MAX, 10));
        t.add(num("list-compress-depth", null, DEBUG, 0, INT_MAX, 0));
        t.add(num("rdb-key-save-delay", null, HIDDEN, INT_MIN, INT_MAX, 0));
        t.add(num("key-load-delay", null, HIDDEN, INT_MIN, INT_MAX, 0));
        t.add(num("active-expire-effort", null, 0, 1, 10, 1));
        // Out-of-range hz values are accepted and clamped to 1..500.
        t.add(new Directive.Num("hz", null, 0, 0, INT_MAX, false, 0, 10, 1, 500));
        t.add(num("min-replicas-to-write", "min-slaves-to-write", 0, 0, INT_MAX, 0));
        t.add(num("min-replicas-max-lag", "min-slaves-max-lag", 0, 0, INT_MAX, 10));
        t.add(num("watchdog-period", null, HIDDEN, 0, INT_MAX, 0));
        t.add(num("shutdown-timeout", null, 0, 0, INT_MAX, 10));
        t.add(num("repl-diskless-sync-max-replicas", null, 0, 0, INT_MAX, 0));

        // unsigned int
        t.add(unsigned("maxclients", null, 0, 1, UINT_MAX, 0, 10000));
        t.add(unsigned("unixsocketperm", null, IMMUTABLE, 0, 0777, OCTAL, 0));
        t.add(unsigned("socket-mark-id", null, IMMUTABLE, 0, UINT_MAX, 0, 0));

        // unsigned long (bounds are checked as signed in Redis)
        t.add(num("active-defrag-max-scan-fields", null, 0, 1, LONG_MAX, 1000));
        t.add(num("slowlog-max-len", null, 0, 0, LONG_MAX, 128));
        t.add(num("acllog-max-len", null, 0, 0, LONG_MAX, 128));

        // long long
        t.add(num("busy-reply-threshold", "lua-time-limit", 0, 0, LONG_MAX, 5000));
        t.add(num("cluster-node-timeout", null, 0, 0, LONG_MAX, 15000));
        t.add(num("slowlog-log-slower-than", null, 0, -1, LONG_MAX, 10000));
        t.add(num("latency-monitor-threshold", null, 0, 0, LONG_MAX, 0));
        t.add(mem("proto-max-bulk-len", null, DEBUG, 1024 * 1024, LONG_MAX, false, 512L * 1024 * 1024));
        t.add(num("stream-node-max-entries", null, 0, 0, LONG_MAX, 100));
        t.add(mem("repl-backlog-size", null, 0, 1, LONG_MAX, false, 1024 * 1024));

        // unsigned long long
        t.add(mem("maxmemory", null, 0, 0, ULLONG_MAX, true, 0));
        t.add(mem("cluster-link-sendbuf-limit", null, 0, 0, ULLONG_MAX, true, 0));

        // size_t
        t.add(unsigned("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, 0, LONG_MAX, 0, 512));
        t.add(unsigned("set-max-intset-entries", null, 0, 0, LONG_MAX, 0, 512));
        t.add(unsigned("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, 0, LONG_MAX, 0, 128));
        t.add(mem("active-defrag-ignore-bytes", null, 0, 1, LONG_MAX, true, 100L << 20));
        t.add(mem("hash-max-listpack-value", "hash-max-ziplist-value", 0, 0, LONG_MAX, true, 64));
        t.add(mem("stream-node-max-bytes", null, 0, 0, LONG_MAX, true, 4096));
        t.add(mem("zset-max-listpack-value", "zset-max-ziplist-value", 0, 0, LONG_MAX, true, 64));
        t.add(mem("hll-sparse-max-bytes", null, 0, 0, LONG_MAX, true, 3000));
        t.add(unsigned("tracking-table-max-keys", null, 0, 0, LONG_MAX, 0, 1000000));
        t.add(mem("client-query-buffer-limit", null, DEBUG, 1024 * 1024, LONG_MAX, true, 1024L * 1024 * 1024));
        // ssize_t; "N%" is a share of maxmemory, stored as -N
        t.add(new Directive.Num("maxmemory-clients", null, 0, -100, LONG_MAX, false, MEMORY | PERCENT, 0));

        // time_t, off_t
        t.add(num("repl-backlog-ttl", null, 0, 0, LONG_MAX, 3600));
        t.add(mem("auto-aof-rewrite-min-size", null, 0, 0, LONG_MAX, false, 64L * 1024 * 1024));
        t.add(num("loading-process-events-interval-bytes", null, HIDDEN, 1024, INT_MAX, 2 * 1024 * 1024));

        // TLS (Redis's USE_OPENSSL block; applied by io.vermilion.net.tls.Tls)
        t.add(num("tls-port", null, 0, 0, 65535, 0));
        t.add(num("tls-session-cache-size", null, 0, 0, INT_MAX, 20 * 1024));
        t.add(num("tls-session-cache-timeout", null, 0, 0, INT_MAX, 300));
        t.add(bool("tls-cluster", null, 0, false));
        t.add(bool("tls-replication", null, 0, false));
        t.add(new Directive.Enum("tls-auth-clients", null, 0, new String[] {"no", "yes", "optional"},
                new int[] {0, 1, 2}, 1, null));
        t.add(bool("tls-prefer-server-ciphers", null, 0, false));
        t.add(bool("tls-session-caching", null, 0, true));
        t.add(str("tls-cert-file", null, VOLATILE, true, null, null));
        t.add(str("tls-key-file", null, VOLATILE, true, null, null));
        t.add(str("tls-key-file-pass", null, 0, true, null, null));
        t.add(str("tls-client-cert-file", null, VOLATILE, true, null, null));
        t.add(str("tls-client-key-file", null, VOLATILE, true, null, null));
        t.add(str("tls-client-key-file-pass", null, 0, true, null, null));
        t.add(str("tls-dh-params-file", null, VOLATILE, true, null, null));
        t.add(str("tls-ca-cert-file", null, VOLATILE, true, null, null));
        t.add(str("tls-ca-cert-dir", null, VOLATILE, true, null, null));
        t.add(str("tls-protocols", null, 0, true, null, null));
        t.add(str("tls-ciphers", null, 0, true, null, null));
        t.add(str("tls-ciphersuites", null, 0, true, null, null));

        // special
        t.add(new Specials.Dir());
        t.add(new Specials.Save());
        t.add(new Specials.ClientOutputBufferLimit());
        t.add(new Specials.OomScoreAdjValues());
        t.add(new Specials.NotifyKeyspaceEvents());
        t.add(new Specials.Bind());
        t.add(new Specials.ReplicaOf());
        t.add(new Specials.LatencyPercentiles());
        return t;
    }

    private static Directive bool(String name, String alias, int flags, boolean def) {
        return new Directive.Bool(name, alias, flags, def);
    }

    private static Directive str(String name, String alias, int flags, boolean emptyIsNull, String def,
            Directive.Check check) {
        return new Directive.Str(name, alias, flags, emptyIsNull, def, check);
    }

    private static Directive en(String name, int flags, String def, String... names) {
        int[] values = new int[names.length];
        int d = -1;
        for (int i = 0; i < names.length; i++) {
            values[i] = i;
            if (names[i].equals(def)) d = i;
        }
        return new Directive.Enum(name, null, flags, names, values, d, null);
    }

    private static Directive shutdownOnSignal(String name) {
        return new Directive.Enum(name, null, MULTI_ARG, new String[] {"default", "save", "nosave", "now", "force"},
                new int[] {0, 1, 2, 4, 8}, 0, (c, v) -> {
                    int f = Integer.parseInt(v);
                    return (f & 1) != 0 && (f & 2) != 0
                            ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;
                });
    }

    private static Directive num(String name, String alias, int flags, long lower, long upper, long def) {
        return new Directive.Num(name, alias, flags, lower, upper, false, 0, def);
    }

    private static Directive unsigned(String name, String alias, int flags, long lower, long upper, int numFlags,
            long def) {
        return new Directive.Num(name, alias, flags, lower, upper, true, numFlags, def);
    }

    private static Directive mem(String name, String alias, int flags, long lower, long upper, boolean unsigned,
            long def) {
        return new Directive.Num(name, alias, flags, lower, upper, unsigned, MEMORY, def);
    }

    private static boolean isBaseName(String v) {
        return v.indexOf('/') < 0 && v.indexOf('\\') < 0;
    }

    private static String checkHostname(Config c, String v) {
        if (v.length() >= 256) return "Hostnames must be less than 256 characters";
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '-' || ch == '.';
            if (!ok) return "Hostnames may only contain alphanumeric characters, hyphens or dots";
        }
        return null;
    }
}
