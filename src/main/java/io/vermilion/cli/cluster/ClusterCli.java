package io.vermilion.cli.cluster;

import io.vermilion.cli.ConnInfo;
import io.vermilion.cli.RedisUri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code vermilion-cli --cluster <subcommand> [args...] [opts...]}: redis-cli 7.0's cluster manager
 * mode. Arguments are read with redis-cli's own rules (the subcommand's arguments are the words
 * after it up to the first one starting with '-'; options may come before or after), the same
 * subcommands, option names and defaults, the same output and exit status (0 on success, 1
 * otherwise; 130 after an interruption).
 */
public final class ClusterCli {
    /** A subcommand: name, arity (negative: at least), argument synopsis, options for help. */
    record Def(String name, int arity, String args, String options) {}

    static final List<Def> DEFS = List.of(
            new Def("create", -2, "host1:port1 ... hostN:portN", "replicas <arg>"),
            new Def("check", -1, "<host:port> or <host> <port> - separated by either colon or space", "search-multiple-owners"),
            new Def("info", -1, "<host:port> or <host> <port> - separated by either colon or space", null),
            new Def("fix", -1, "<host:port> or <host> <port> - separated by either colon or space",
                    "search-multiple-owners,fix-with-unreachable-masters"),
            new Def("reshard", -1, "<host:port> or <host> <port> - separated by either colon or space",
                    "from <arg>,to <arg>,slots <arg>,yes,timeout <arg>,pipeline <arg>,replace"),
            new Def("rebalance", -1, "<host:port> or <host> <port> - separated by either colon or space",
                    "weight <node1=w1...nodeN=wN>,use-empty-masters,timeout <arg>,simulate,pipeline <arg>,threshold <arg>,replace"),
            new Def("add-node", 2, "new_host:new_port existing_host:existing_port", "slave,master-id <arg>"),
            new Def("del-node", 2, "host:port node_id", null),
            new Def("call", -2, "host:port command arg arg .. arg", "only-masters,only-replicas"),
            new Def("set-timeout", 2, "host:port milliseconds", null),
            new Def("import", 1, "host:port", "from <arg>,from-user <arg>,from-pass <arg>,from-askpass,copy,replace"),
            new Def("backup", 2, "host:port backup_directory", null),
            new Def("help", 0, null, null));

    static final String INVALID_HOST_ARG = "[ERR] Invalid arguments: you need to pass either a valid address "
            + "(ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)";

    /** Options of redis-cli that take a value (so the value is not mistaken for a word). */
    private static final Set<String> VALUE_OPTIONS = Set.of("-h", "-p", "-s", "-a", "--pass", "--user", "-u", "-r",
            "-i", "-n", "-d", "-D", "--show-pushes", "-X", "--pipe-timeout", "--rdb", "--functions-rdb", "--eval",
            "--pattern", "--quoted-pattern", "--memkeys-samples", "--sni", "--cacert", "--cacertdir", "--cert",
            "--key", "--tls-ciphers", "--tls-ciphersuites", "--cluster-replicas", "--cluster-master-id",
            "--cluster-from", "--cluster-to", "--cluster-from-user", "--cluster-from-pass", "--cluster-slots",
            "--cluster-timeout", "--cluster-pipeline", "--cluster-threshold", "--cluster-parallel");

    private ClusterCli() {}

    /**
     * True if {@code args}, read as redis-cli reads them, ask for cluster manager mode: a
     * {@code --cluster} among the options, before the first word that starts a command.
     */
    public static boolean wanted(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean last = i == args.length - 1;
            if (a.equals("--cluster")) return true;
            if (a.equals("--cluster-weight")) {
                while (i + 1 < args.length && !args[i + 1].startsWith("--") && args[i + 1].contains("=")) i++;
                continue;
            }
            if (VALUE_OPTIONS.contains(a)) {
                if (!last) i++;
                continue;
            }
            if (!a.startsWith("-")) return false;
        }
        return false;
    }

    /** Parsed command line. */
    static final class Parsed {
        String name;
        List<String> args = new ArrayList<>();
        final ManagerOptions opts = new ManagerOptions();
        final ConnInfo conn = new ConnInfo();
        boolean stdinLastArg;
        boolean noAuthWarning;
        boolean askpass;
    }

    /** What the caller (CliMain) provides: usage text, version, password prompt. */
    public record Host(Function<Boolean, String> usage, String version, Function<String, byte[]> askPassword) {}

    /** Runs the cluster manager; returns the exit status. */
    public static int run(String[] argv, Host host, boolean stdoutTty) {
        ManagerLog log = ManagerLog.system(stdoutTty);
        Parsed p = new Parsed();
        Integer early = parse(argv, p, host, log);
        if (early != null) return early;
        if (!p.noAuthWarning && p.conn.auth != null) {
            log.stderr("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.");
        }
        if (p.conn.auth == null) {
            String env = System.getenv("VERMILIONCLI_AUTH");
            if (env == null) env = System.getenv("REDISCLI_AUTH");
            if (env != null) p.conn.auth = env.getBytes(StandardCharsets.UTF_8);
        }
        String yes = System.getenv("REDISCLI_CLUSTER_YES");
        if (yes == null) yes = System.getenv("VERMILIONCLI_CLUSTER_YES");
        if ("1".equals(yes)) p.opts.yes = true;
        if (p.askpass) p.conn.auth = host.askPassword().apply("Please input password: ");
        if (p.opts.fromAskpass) {
            p.opts.fromPass = new String(host.askPassword().apply("Please input import source node password: "),
                    StandardCharsets.UTF_8);
        }
        p.opts.credentials = new ManagerOptions.Credentials(p.conn.user, p.conn.auth);
        if (p.stdinLastArg) {
            try {
                p.args.add(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                log.stderr("Reading from standard input: " + e.getMessage());
                return 1;
            }
        }
        Def def = null;
        for (Def d : DEFS) {
            if (!d.name().equals(p.name)) continue;
            int argc = p.args.size();
            if ((d.arity() > 0 && argc != d.arity()) || (d.arity() < 0 && argc < -d.arity())) {
                log.stderr("[ERR] Wrong number of arguments for specified --cluster sub command");
                return 1;
            }
            def = d;
        }
        if (def == null) {
            log.stderr("Unknown --cluster subcommand");
            return 1;
        }
        ClusterManager mgr = new ClusterManager(log, p.opts);
        MoveGuard.get().reset();
        try {
            boolean ok = ClusterCommands.dispatch(mgr, def.name(), p.args);
            if (MoveGuard.get().interrupted()) return 130;
            return ok ? 0 : 1;
        } catch (ClusterFix.Exit e) {
            return e.status;
        } catch (IOException e) {
            log.stderr("Error: " + io.vermilion.cli.Session.describe(e));
            return 1;
        } catch (RuntimeException e) {
            // A reply we did not expect (a node of another kind, a bug): say so without a trace.
            log.stderr("Error: unexpected " + e);
            if (p.opts.verbose) e.printStackTrace(log.err());
            return 1;
        } finally {
            mgr.closeAll();
        }
    }

    /** redis-cli's option loop; returns an exit status to stop with, or null to go on. */
    static Integer parse(String[] argv, Parsed p, Host host, ManagerLog log) {
        ManagerOptions o = p.opts;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            boolean last = i == argv.length - 1;
            switch (a) {
                case "-h" -> {
                    if (last) {
                        log.out().print(host.usage().apply(false));
                        return 0;
                    }
                    p.conn.host = argv[++i];
                    continue;
                }
                case "--help" -> {
                    log.out().print(host.usage().apply(false));
                    return 0;
                }
                case "-v", "--version" -> {
                    log.println("vermilion-cli " + host.version());
                    return 0;
                }
                case "-x" -> {
                    p.stdinLastArg = true;
                    continue;
                }
                case "-c", "-2", "-3", "-e", "--raw", "--no-raw", "--csv", "--quoted-input" -> {
                    continue;
                }
                case "--no-auth-warning" -> {
                    p.noAuthWarning = true;
                    continue;
                }
                case "--verbose" -> {
                    o.verbose = true;
                    continue;
                }
                case "--askpass" -> {
                    p.askpass = true;
                    continue;
                }
                case "--cluster-yes" -> {
                    o.yes = true;
                    continue;
                }
                case "--cluster-simulate" -> {
                    o.simulate = true;
                    continue;
                }
                case "--cluster-replace" -> {
                    o.replace = true;
                    continue;
                }
                case "--cluster-copy" -> {
                    o.copy = true;
                    continue;
                }
                case "--cluster-slave" -> {
                    o.slave = true;
                    continue;
                }
                case "--cluster-use-empty-masters" -> {
                    o.useEmptyMasters = true;
                    continue;
                }
                case "--cluster-search-multiple-owners" -> {
                    o.searchMultipleOwners = true;
                    continue;
                }
                case "--cluster-fix-with-unreachable-masters" -> {
                    o.fixWithUnreachableMasters = true;
                    continue;
                }
                case "--cluster-only-masters" -> {
                    o.onlyMasters = true;
                    continue;
                }
                case "--cluster-only-replicas" -> {
                    o.onlyReplicas = true;
                    continue;
                }
                case "--cluster-from-askpass" -> {
                    o.fromAskpass = true;
                    continue;
                }
                case "--dry-run", "--cluster-dry-run" -> {
                    o.dryRun = true;
                    continue;
                }
                default -> { }
            }
            if (!last) {
                String v = argv[i + 1];
                boolean taken = true;
                switch (a) {
                    case "-p" -> p.conn.port = RedisUri.atoi(v);
                    case "-s" -> p.conn.socket = v;
                    case "-a", "--pass" -> p.conn.auth = v.getBytes(StandardCharsets.UTF_8);
                    case "--user" -> p.conn.user = v.getBytes(StandardCharsets.UTF_8);
                    case "-u" -> {
                        try {
                            RedisUri.parse(v, p.conn);
                        } catch (RedisUri.InvalidUriException e) {
                            log.stderr(e.getMessage());
                            return 1;
                        }
                    }
                    case "-r", "-i", "-n", "-d", "-D", "--show-pushes" -> { }
                    case "--cluster-replicas" -> o.replicas = RedisUri.atoi(v);
                    case "--cluster-master-id" -> o.masterId = v;
                    case "--cluster-from" -> o.from = v;
                    case "--cluster-to" -> o.to = v;
                    case "--cluster-from-user" -> o.fromUser = v;
                    case "--cluster-from-pass" -> o.fromPass = v;
                    case "--cluster-slots" -> o.slots = RedisUri.atoi(v);
                    case "--cluster-timeout" -> o.timeout = RedisUri.atoi(v);
                    case "--cluster-pipeline" -> o.pipeline = RedisUri.atoi(v);
                    case "--cluster-threshold" -> o.threshold = (float) atof(v);
                    case "--cluster-parallel" -> o.parallel = Math.max(1, RedisUri.atoi(v));
                    default -> taken = false;
                }
                if (taken) {
                    i++;
                    continue;
                }
                if (a.equals("--cluster")) {
                    if (p.name != null) {
                        log.err().print(host.usage().apply(true));
                        return 1;
                    }
                    p.name = argv[++i];
                    int j = i;
                    while (j < argv.length && !argv[j].startsWith("-")) j++;
                    if (j > i) j--;
                    for (int k = i + 1; k <= j; k++) p.args.add(argv[k]);
                    i = j;
                    continue;
                }
                if (a.equals("--cluster-weight")) {
                    if (!o.weights.isEmpty()) {
                        log.stderr("WARNING: you cannot use --cluster-weight more than once.\n"
                                + "You can set more weights by adding them as a space-separated list, ie:\n"
                                + "--cluster-weight n1=w n2=w");
                        return 1;
                    }
                    int w = i + 1;
                    while (w < argv.length && !argv[w].startsWith("--") && argv[w].contains("=")) o.weights.add(argv[w++]);
                    i += o.weights.size();
                    continue;
                }
            } else if (a.equals("--cluster")) {
                log.err().print(host.usage().apply(true));
                return 1;
            }
            if (p.name != null && !a.startsWith("-")) {
                if (p.args.isEmpty()) {
                    int j = i + 1;
                    while (j < argv.length && !argv[j].startsWith("-")) j++;
                    for (int k = i; k < j; k++) p.args.add(argv[k]);
                    if (j - i > 1) i = j - 1;
                }
                continue;
            }
            if (a.startsWith("-")) {
                if (NOT_SUPPORTED.contains(a)) {
                    log.stderr("Option '" + a + "' is not supported by vermilion-cli yet (see --help).");
                } else {
                    log.stderr("Unrecognized option or bad number of args for: '" + a + "'");
                }
                return 1;
            }
            break; // a command word: ignored in cluster manager mode, as by redis-cli
        }
        if (p.name == null) {
            log.err().print(host.usage().apply(true));
            return 1;
        }
        return null;
    }

    private static final Set<String> NOT_SUPPORTED = Set.of("-X", "--json", "--quoted-json", "--stat", "--latency",
            "--latency-history", "--latency-dist", "--lru-test", "--replica", "--slave", "--rdb", "--functions-rdb",
            "--pipe", "--pipe-timeout", "--bigkeys", "--memkeys", "--memkeys-samples", "--hotkeys", "--scan",
            "--pattern", "--quoted-pattern", "--intrinsic-latency", "--eval", "--ldb", "--ldb-sync-mode", "--tls",
            "--sni", "--cacert", "--cacertdir", "--insecure", "--cert", "--key", "--tls-ciphers", "--tls-ciphersuites",
            "--mono");

    static double atof(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(s);
        return m.find() ? Double.parseDouble(m.group().strip()) : 0;
    }

    /** {@code host:port[@busport]}; null if there is no colon. */
    static HostPort parseAddress(String addr) {
        String a = addr;
        int at = a.lastIndexOf('@');
        if (at >= 0) a = a.substring(0, at);
        int c = a.lastIndexOf(':');
        if (c < 0) return null;
        return new HostPort(a.substring(0, c), RedisUri.atoi(a.substring(c + 1)));
    }

    /** redis-cli's getClusterHostFromCmdArgs: "host:port" or "host port"; null if invalid. */
    static HostPort hostFromArgs(List<String> args) {
        String ip;
        int port;
        if (args.size() == 1) {
            HostPort hp = parseAddress(args.get(0));
            if (hp == null) return null;
            ip = hp.host();
            port = hp.port();
        } else {
            ip = args.get(0);
            port = RedisUri.atoi(args.get(1));
        }
        if (port == 0) return null;
        return new HostPort(ip, port);
    }
}
