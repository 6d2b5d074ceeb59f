package io.vermilion.cli;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vermilion-cli}: a work-alike of redis-cli 7.0 for Vermilion (and any RESP server).
 *
 * <p>Options are parsed with picocli configured to behave like redis-cli's own parser: options come
 * first and the first non-option word starts the command (everything after it is passed to the
 * server untouched, even words starting with {@code -} or {@code @}); options are applied in
 * command-line order, so {@code -u} followed by {@code -p} takes the port from {@code -p}.
 *
 * <p>With a command, it runs it once (or {@code -r} times) and exits; without one it starts the
 * REPL, with line editing when stdin is a terminal and reading plain lines otherwise.
 */
@Command(name = "vermilion-cli", usageHelpAutoWidth = false, mixinStandardHelpOptions = false)
public final class CliMain {
    /** redis-cli options we recognise but do not implement yet: refused with a clear message. */
    private static final Set<String> NOT_YET = Set.of(
            "-X", "--json", "--quoted-json", "--stat", "--latency", "--latency-history",
            "--latency-dist", "--lru-test", "--replica", "--slave", "--rdb", "--functions-rdb", "--pipe",
            "--pipe-timeout", "--bigkeys", "--memkeys", "--memkeys-samples", "--hotkeys", "--scan", "--pattern",
            "--quoted-pattern", "--intrinsic-latency", "--eval", "--ldb", "--ldb-sync-mode", "--tls", "--sni",
            "--cacert", "--cacertdir", "--insecure", "--cert", "--key", "--tls-ciphers", "--tls-ciphersuites",
            "--mono");

    final ConnInfo conn = new ConnInfo();
    final CliConfig cfg = new CliConfig();
    private String optionError;

    @Option(names = "-h", paramLabel = "<hostname>")
    void host(String h) {
        conn.host = h;
    }

    @Option(names = "-p", paramLabel = "<port>")
    void port(String p) {
        conn.port = RedisUri.atoi(p);
    }

    @Option(names = "-s", paramLabel = "<socket>")
    void socket(String s) {
        conn.socket = s;
    }

    @Option(names = {"-a", "--pass"}, paramLabel = "<password>")
    void password(String p) {
        conn.auth = p.getBytes(StandardCharsets.UTF_8);
    }

    @Option(names = "--user", paramLabel = "<username>")
    void user(String u) {
        conn.user = u.getBytes(StandardCharsets.UTF_8);
    }

    @Option(names = "--askpass")
    void askpass(boolean on) {
        cfg.askpass = true;
    }

    @Option(names = "-u", paramLabel = "<uri>")
    void uri(String u) {
        try {
            RedisUri.parse(u, conn);
        } catch (RedisUri.InvalidUriException e) {
            if (optionError == null) optionError = e.getMessage();
        }
    }

    @Option(names = "-r", paramLabel = "<repeat>")
    void repeat(String r) {
        cfg.repeat = atol(r);
    }

    @Option(names = "-i", paramLabel = "<interval>")
    void interval(String i) {
        cfg.intervalMicros = (long) (atof(i) * 1_000_000);
    }

    @Option(names = "-n", paramLabel = "<db>")
    void db(String n) {
        conn.inputDb = RedisUri.atoi(n);
    }

    @Option(names = "-2")
    void resp2(boolean on) {
        cfg.resp2 = true;
    }

    @Option(names = "-3")
    void resp3(boolean on) {
        cfg.resp3 = true;
    }

    @Option(names = "-x")
    void stdinLastArg(boolean on) {
        cfg.stdinLastArg = true;
    }

    @Option(names = "-d", paramLabel = "<delimiter>")
    void bulkDelimiter(String d) {
        cfg.bulkDelimiter = d.getBytes(StandardCharsets.UTF_8);
    }

    @Option(names = "-D", paramLabel = "<delimiter>")
    void replyDelimiter(String d) {
        cfg.replyDelimiter = d.getBytes(StandardCharsets.UTF_8);
    }

    @Option(names = "-e")
    void exitOnError(boolean on) {
        cfg.exitOnError = true;
    }

    @Option(names = "--raw")
    void raw(boolean on) {
        cfg.output = OutputMode.RAW;
    }

    @Option(names = "--no-raw")
    void noRaw(boolean on) {
        cfg.output = OutputMode.STANDARD;
    }

    @Option(names = "--csv")
    void csv(boolean on) {
        cfg.output = OutputMode.CSV;
    }

    @Option(names = "--quoted-input")
    void quotedInput(boolean on) {
        cfg.quotedInput = true;
    }

    @Option(names = "--show-pushes", paramLabel = "<yn>")
    void showPushes(String yn) {
        String v = yn.toLowerCase(Locale.ROOT);
        if (v.startsWith("n")) {
            cfg.pushOutput = false;
        } else if (v.startsWith("y")) {
            cfg.pushOutput = true;
        } else {
            System.err.println("Unknown --show-pushes value '" + yn + "' (valid: '[y]es', '[n]o')");
        }
    }

    @Option(names = "-c")
    void clusterMode(boolean on) {
        cfg.clusterMode = true;
    }

    @Option(names = "--no-auth-warning")
    void noAuthWarning(boolean on) {
        cfg.noAuthWarning = true;
    }

    @Option(names = "--verbose")
    void verbose(boolean on) {
        cfg.verbose = true;
    }

    @Option(names = "--help")
    boolean help;

    @Option(names = {"-v", "--version"})
    boolean version;

    @Parameters
    List<String> command = new ArrayList<>();

    CliMain(boolean stdoutTty) {
        // The defaults depend on stdout, and options parsed later override them.
        cfg.output = stdoutTty ? OutputMode.STANDARD : OutputMode.RAW;
        cfg.pushOutput = stdoutTty;
    }

    public static void main(String[] args) {
        CliOutput out = CliOutput.system();
        int status;
        try {
            status = run(args, out);
        } catch (CliExit e) {
            status = e.status();
        }
        out.flush();
        System.exit(status);
    }

    /** Parses {@code args} and runs; returns the exit status. */
    static int run(String[] args, CliOutput out) {
        if (io.vermilion.cli.cluster.ClusterCli.wanted(args)) {
            out.flush();
            return io.vermilion.cli.cluster.ClusterCli.run(args, new io.vermilion.cli.cluster.ClusterCli.Host(
                    err -> usage(), version(), CliMain::askPassword), Tty.stdoutIsTty());
        }
        CliMain m = new CliMain(Tty.stdoutIsTty());
        CommandLine cl = new CommandLine(m)
                .setStopAtPositional(true)
                .setExpandAtFiles(false)
                .setPosixClusteredShortOptionsAllowed(false)
                .setOverwrittenOptionsAllowed(true)
                .setUnmatchedOptionsArePositionalParams(false)
                .setTrimQuotes(false)
                .setEndOfOptionsDelimiter("\u0000--"); // "--" is an ordinary word, as for redis-cli
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return m.badOption(args, e, out);
        }
        if (m.help) {
            out.print(usage());
            return 0;
        }
        if (m.version) {
            out.print("vermilion-cli " + version() + "\n");
            return 0;
        }
        return m.execute(args, out);
    }

    private int badOption(String[] args, CommandLine.ParameterException e, CliOutput out) {
        // redis-cli: "-h" as the very last argument shows the usage.
        if (args.length > 0 && args[args.length - 1].equals("-h") && e instanceof CommandLine.MissingParameterException) {
            out.print(usage());
            return 0;
        }
        String bad = offendingArg(args, e);
        if (NOT_YET.contains(bad)) {
            out.error("Option '" + bad + "' is not supported by vermilion-cli yet (see --help).");
            return 1;
        }
        out.error("Unrecognized option or bad number of args for: '" + bad + "'");
        return 1;
    }

    private static String offendingArg(String[] args, CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) return u.getUnmatched().get(0);
        if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec o) return o.longestName();
        return args.length > 0 ? args[args.length - 1] : "";
    }

    private int execute(String[] args, CliOutput out) {
        if (optionError != null) {
            out.error(optionError);
            return 1;
        }
        if (conn.socket != null && cfg.clusterMode) {
            out.error("Options -c and -s are mutually exclusive.");
            return 1;
        }
        if (cfg.resp2 && cfg.resp3) {
            out.error("Options -2 and -3 are mutually exclusive.");
            return 1;
        }
        if (!cfg.noAuthWarning && conn.auth != null) {
            out.error("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.");
        }
        if (conn.auth == null) {
            String env = System.getenv("VERMILIONCLI_AUTH");
            if (env == null) env = System.getenv("REDISCLI_AUTH");
            if (env != null) conn.auth = env.getBytes(StandardCharsets.UTF_8);
        }
        if (cfg.askpass) conn.auth = askPassword("Please input password: ");

        ReplyFormatter formatter = new ReplyFormatter(cfg.bulkDelimiter, cfg.replyDelimiter);
        try (Session session = new Session(conn, cfg, out, formatter)) {
            HelpHolder help = new HelpHolder(session);
            CommandExecutor exec = new CommandExecutor(session,
                    cfg.clusterMode ? new ClusterRouter() : new DirectRouter(), formatter, help, version());
            if (command.isEmpty()) return interactive(session, exec, help);

            List<byte[]> argv = commandBytes(args, command);
            if (cfg.quotedInput) {
                List<byte[]> unquoted = new ArrayList<>();
                for (byte[] a : argv) {
                    List<byte[]> parts = ArgSplitter.split(a);
                    if (parts == null || parts.size() != 1) {
                        out.print("Invalid quoted string\n");
                        return 1;
                    }
                    unquoted.add(parts.get(0));
                }
                argv = unquoted;
            }
            if (cfg.stdinLastArg) argv.add(readAll(new FileInputStream(FileDescriptor.in)));
            session.connect(false, true);
            return exec.issue(argv, cfg.repeat) == CommandExecutor.OK ? 0 : 1;
        }
    }

    private int interactive(Session session, CommandExecutor exec, HelpHolder help) {
        session.interactive(true);
        session.connect(false, false);
        if (!Tty.stdinIsTty()) {
            try (Repl.LineSource src = new Repl.StdinSource(new FileInputStream(FileDescriptor.in))) {
                return new Repl(session, exec, src).run();
            } catch (IOException e) {
                session.output().error("Error reading standard input: " + e.getMessage());
                return 1;
            }
        }
        help.preload(); // COMMAND DOCS once, up front, for hints and completion
        Terminal terminal;
        try {
            terminal = JLineSource.systemTerminal();
        } catch (IOException e) {
            session.output().error("Cannot open the terminal: " + e.getMessage());
            return 1;
        }
        // Ctrl-C while a command runs: stop MONITOR/SUBSCRIBE streams, otherwise quit (redis-cli does both).
        terminal.handle(Terminal.Signal.INT, sig -> {
            if (exec.streaming()) {
                exec.abortStreaming();
            } else {
                session.output().flush();
                Runtime.getRuntime().halt(1);
            }
        });
        try (JLineSource src = new JLineSource(terminal, historyFile(), help, cfg)) {
            return new Repl(session, exec, src).run();
        } catch (IOException e) {
            session.output().error("Error: " + e.getMessage());
            return 1;
        }
    }

    /** {@code $VERMILIONCLI_HISTFILE} ("/dev/null" disables saving), else {@code ~/.vermilioncli_history}. */
    static Path historyFile() {
        String env = System.getenv("VERMILIONCLI_HISTFILE");
        if (env != null && !env.isEmpty()) return env.equals("/dev/null") ? null : Path.of(env);
        String home = System.getProperty("user.home");
        return home == null || home.isEmpty() ? null : Path.of(home, ".vermilioncli_history");
    }

    /** Loads the command table on first use (the server may not be reachable when the REPL starts). */
    static final class HelpHolder implements Supplier<HelpTable> {
        private final Session session;
        private final AtomicReference<HelpTable> table = new AtomicReference<>();

        HelpHolder(Session session) {
            this.session = session;
        }

        void preload() {
            get();
        }

        @Override
        public HelpTable get() {
            HelpTable t = table.get();
            if (t == null) {
                if (!session.isConnected()) session.connect(false, true);
                t = HelpTable.load(session.isConnected() ? session.connection() : null);
                table.set(t);
            }
            return t;
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The command words as bytes. Java decodes argv with the platform charset, which loses bytes
     * that are not valid in it (binary values, Latin-1 text under a UTF-8 locale, anything
     * non-ASCII under the C locale). On Linux the exact bytes are in /proc/self/cmdline, and the
     * command words are always its last entries, so take them from there when they agree with
     * what Java saw.
     */
    static List<byte[]> commandBytes(String[] args, List<String> command) {
        List<byte[]> fromJava = new ArrayList<>();
        for (String s : command) fromJava.add(s.getBytes(StandardCharsets.UTF_8));
        try {
            byte[] all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<byte[]> parts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == 0) {
                    parts.add(java.util.Arrays.copyOfRange(all, start, i));
                    start = i + 1;
                }
            }
            if (parts.size() < command.size()) return fromJava;
            List<byte[]> tail = new ArrayList<>(parts.subList(parts.size() - command.size(), parts.size()));
            String charset = System.getProperty("sun.jnu.encoding", "UTF-8");
            for (int i = 0; i < tail.size(); i++) {
                String decoded = new String(tail.get(i), java.nio.charset.Charset.forName(charset));
                if (!decoded.equals(command.get(i))) return fromJava; // not the same words: do not guess
            }
            return tail;
        } catch (IOException | RuntimeException e) {
            return fromJava;
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            System.err.println("Reading from standard input: " + e.getMessage());
            throw new CliExit(1);
        }
    }

    private static byte[] askPassword(String prompt) {
        if (Tty.stdinIsTty()) {
            try (Terminal t = JLineSource.systemTerminal()) {
                String p = org.jline.reader.LineReaderBuilder.builder().terminal(t).build().readLine(prompt, '*');
                return p.getBytes(StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                return new byte[0];
            }
        }
        // Not a terminal: read a line silently (redis-cli shows no prompt there either).
        // Byte by byte and unbuffered: what follows the line may be the -x argument or REPL input.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            FileInputStream in = new FileInputStream(FileDescriptor.in);
            int c;
            while ((c = in.read()) != -1 && c != '\n') b.write(c);
        } catch (IOException e) {
            // an unreadable stdin gives an empty password; AUTH will say it is wrong
        }
        return b.toByteArray();
    }

    /** C's strtoll in base 10: leading blanks, sign, digits; garbage gives 0. */
    static long atol(String s) {
        String t = s.strip();
        int i = 0;
        if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) i++;
        int j = i;
        while (j < t.length() && Character.isDigit(t.charAt(j))) j++;
        if (j == i) return 0;
        try {
            return Long.parseLong(t.substring(0, j).replace("+", ""));
        } catch (NumberFormatException e) {
            return t.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** C's atof: the longest leading decimal number, 0 if none. */
    static double atof(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(s);
        return m.find() ? Double.parseDouble(m.group().strip()) : 0;
    }

    /** The project version from the jar's Maven metadata. */
    static String version() {
        try (InputStream in = CliMain.class.getResourceAsStream("/META-INF/maven/io.vermilion/vermilion/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    static String usage() {
        return "vermilion-cli " + version() + "\n"
                + "\n"
                + "Usage: vermilion-cli [OPTIONS] [cmd [arg [arg ...]]]\n"
                + "  -h <hostname>      Server hostname (default: 127.0.0.1).\n"
                + "  -p <port>          Server port (default: 6379).\n"
                + "  -s <socket>        Server socket (overrides hostname and port).\n"
                + "  -a <password>      Password to use when connecting to the server.\n"
                + "                     You can also use the VERMILIONCLI_AUTH (or REDISCLI_AUTH)\n"
                + "                     environment variable to pass this password more safely\n"
                + "                     (if both are used, this argument takes precedence).\n"
                + "  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
                + "  --pass <password>  Alias of -a for consistency with the new --user option.\n"
                + "  --askpass          Force user to input password with mask from STDIN.\n"
                + "                     If this argument is used, '-a' and VERMILIONCLI_AUTH\n"
                + "                     environment variable will be ignored.\n"
                + "  -u <uri>           Server URI: redis://[[user]:password@]host[:port][/db]\n"
                + "  -r <repeat>        Execute specified command N times (negative: forever).\n"
                + "  -i <interval>      When -r is used, waits <interval> seconds per command.\n"
                + "                     It is possible to specify sub-second times like -i 0.1.\n"
                + "  -n <db>            Database number.\n"
                + "  -2                 Start session in RESP2 protocol mode.\n"
                + "  -3                 Start session in RESP3 protocol mode.\n"
                + "  -x                 Read last argument from STDIN (see example below).\n"
                + "  -d <delimiter>     Delimiter between response bulks for raw formatting (default: \\n).\n"
                + "  -D <delimiter>     Delimiter between responses for raw formatting (default: \\n).\n"
                + "  -c                 Enable cluster mode (follow -ASK and -MOVED redirections).\n"
                + "  -e                 Return exit error code when command execution fails.\n"
                + "  --raw              Use raw formatting for replies (default when STDOUT is\n"
                + "                     not a tty).\n"
                + "  --no-raw           Force formatted output even when STDOUT is not a tty.\n"
                + "  --quoted-input     Force input to be handled as quoted strings.\n"
                + "  --csv              Output in CSV format.\n"
                + "  --show-pushes <yn> Whether to print RESP3 PUSH messages.  Enabled by default when\n"
                + "                     STDOUT is a tty but can be overridden with --show-pushes no.\n"
                + "  --no-auth-warning  Don't show warning message when using password on command\n"
                + "                     line interface.\n"
                + "  --cluster <command> [args...] [opts...]\n"
                + "                     Cluster Manager command and arguments (see below).\n"
                + "  --verbose          Verbose mode.\n"
                + "  --help             Output this help and exit.\n"
                + "  -v, --version      Output version and exit.\n"
                + "\n"
                + "Cluster Manager Commands:\n"
                + "  Use --cluster help to list all available cluster manager commands.\n"
                + "\n"
                + "Not supported yet (redis-cli has them): -X, TLS, --json, --stat, --latency*,\n"
                + "--bigkeys, --memkeys, --hotkeys, --scan, --pipe, --rdb, --replica, --eval,\n"
                + "--lru-test, --intrinsic-latency.\n"
                + "\n"
                + "Examples:\n"
                + "  cat /etc/passwd | vermilion-cli -x set mypasswd\n"
                + "  vermilion-cli -r 100 lpush mylist x\n"
                + "  vermilion-cli -r 100 -i 1 info | grep used_memory_human:\n"
                + "  vermilion-cli --quoted-input set '\"null-\\x00-separated\"' value\n"
                + "  vermilion-cli -u redis://user:secret@127.0.0.1:7001/2 get key\n"
                + "  vermilion-cli -c -p 7001 set key hello\n"
                + "  vermilion-cli --cluster check 127.0.0.1:7001\n"
                + "\n"
                + "When no command is given, vermilion-cli starts in interactive mode.\n"
                + "Type \"help\" in interactive mode for information on available commands\n"
                + "and settings.\n"
                + "\n";
    }
}
