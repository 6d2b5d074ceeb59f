package io.vermilion.config;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The configuration of a Vermilion node, with the behaviour of Redis 7.0's config subsystem:
 * loading redis.conf files and {@code --name value} arguments, CONFIG GET, CONFIG SET and
 * CONFIG REWRITE.
 *
 * <p>Names are case-insensitive and every Redis 7.0 alias works (slaveof, slave-read-only,
 * hash-max-ziplist-entries, ...). Values are byte strings (one char per byte, ISO-8859-1).
 *
 * <p>Thread safety: getters may be called from any thread without locking and see completed
 * CONFIG SETs; {@link #set}, {@link #rewrite} and loading are serialized on this object.
 *
 * <p>Redis changes its process working directory on {@code dir}; Java cannot, so this class keeps
 * that directory ({@link #dir()}) and relative file names (dbfilename, cluster-config-file,
 * appenddirname, logfile, pidfile, include) must be resolved against it: see {@link #resolve}.
 */
public final class Config {
    /** Product name and version shown in the fatal config error banner (Redis shows "Redis 7.0.15"). */
    public static final String BANNER = "Vermilion 0.1.0";

    /** Directives accepted in a file that are not settable configs; a rewrite keeps their lines. */
    private static final Set<String> REWRITE_KEEPS = Set.of("include", "rename-command", "user", "loadmodule",
            "sentinel");

    private record Entry(String name, Directive directive, boolean alias) {}

    /** A {@code user} or {@code rename-command} line, kept for the node to apply after loading. */
    public record SecurityLine(int lineNumber, String text, List<String> argv) {}

    private final List<SecurityLine> securityLines = new ArrayList<>();

    /** The {@code user} and {@code rename-command} lines read, in file order. */
    public List<SecurityLine> securityLines() {
        return Collections.unmodifiableList(securityLines);
    }

    /** The fatal config error for a security line, in Redis's format. */
    public static ConfigException fatal(SecurityLine l, String error) {
        return fatal(l.lineNumber(), l.text(), error);
    }

    private final List<Directive> table = Directives.create();
    /** Lower-case name (primary or alias) to its entry. */
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<Directive, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    /** Module configs seen while loading (name -> joined value); Vermilion loads no modules. */
    private final Map<String, String> moduleConfigs = new LinkedHashMap<>();

    /** The virtual working directory, which {@code dir} changes. Always a real, absolute path. */
    volatile Path cwd;
    private volatile Path configFile;
    private volatile BooleanSupplier loading = () -> false;
    /** True while a config text is being parsed (save lines then accumulate). */
    boolean readingFile;
    /** Whether a save line has replaced the default save points during this load. */
    boolean saveLoaded;

    private Config() {
        for (Directive d : table) {
            entries.put(d.name, new Entry(d.name, d, false));
            if (d.alias != null) entries.put(d.alias, new Entry(d.alias, d, true));
        }
        Path here = Path.of("").toAbsolutePath();
        try {
            here = here.toRealPath();
        } catch (IOException e) {
            // keep the absolute path
        }
        cwd = here;
    }

    // ================================================================== construction

    /** Redis 7.0 defaults, no config file, working directory = the process's. */
    public static Config defaults() {
        return new Config();
    }

    /**
     * Loads an optional config file (null = none), then {@code args} as redis-server does with
     * the arguments after the file name: {@code --name value...} pairs become lines appended to
     * the file's text, so they override it and errors in them report line numbers counted on
     * from the file's last line.
     *
     * @throws ConfigException with kind FATAL for bad lines, LOG when a file cannot be opened
     */
    public static Config load(Path file, List<String> args) throws ConfigException {
        Config cfg = new Config();
        List<String> a = args == null ? List.of() : args;
        if (file == null && a.isEmpty()) return cfg;
        StringBuilder text = new StringBuilder();
        if (file != null) {
            cfg.configFile = file.toAbsolutePath().normalize();
            text.append(cfg.readConfigText(cfg.configFile, cfg.configFile.toString()));
        }
        text.append('\n').append(commandLineToConfigText(a));
        synchronized (cfg) {
            cfg.parse(text.toString());
            if (!cfg.moduleConfigs.isEmpty()) {
                throw new ConfigException(ConfigException.Kind.LOG,
                        "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting");
            }
        }
        return cfg;
    }

    /**
     * Loads from a redis-server style command line (without the program name): a first
     * argument not starting with '-' is the config file, the rest are options.
     */
    public static Config fromCommandLine(List<String> argv) throws ConfigException {
        if (!argv.isEmpty() && !argv.get(0).startsWith("-")) {
            return load(Path.of(argv.get(0)), argv.subList(1, argv.size()));
        }
        return load(null, argv);
    }

    /**
     * Turns command-line options into config text the way redis-server does: each
     * {@code --name} starts a new line, following arguments are appended quoted. A lone
     * {@code --save} (last, or followed by another option) means {@code save ""}.
     */
    static String commandLineToConfigText(List<String> args) {
        StringBuilder options = new StringBuilder();
        boolean lastOptionHasValue = true;
        for (int j = 0; j < args.size(); j++) {
            String arg = args.get(j);
            boolean last = j == args.size() - 1;
            if (lastOptionHasValue && arg.startsWith("--")) {
                if (options.length() > 0) options.append('\n');
                options.append(arg, 2, arg.length()).append(' ');
                List<String> words = ArgSplitter.split(arg);
                if (words != null && words.size() == 1) {
                    // Only a name, like "--port": its value is in the next argument.
                    lastOptionHasValue = false;
                    boolean nextIsOption = !last && args.get(j + 1).startsWith("--");
                    if (arg.equalsIgnoreCase("--save") && (nextIsOption || last)) {
                        options.append("\"\"");
                        lastOptionHasValue = nextIsOption;
                    } else if (arg.equalsIgnoreCase("--sentinel") && nextIsOption) {
                        lastOptionHasValue = true;
                    }
                } else {
                    // Name and value in one argument, like "--port 6380".
                    lastOptionHasValue = true;
                }
            } else {
                options.append(ArgSplitter.repr(arg)).append(' ');
                lastOptionHasValue = true;
            }
        }
        return options.toString();
    }

    private String readConfigText(Path path, String shownName) throws ConfigException {
        try {
            // fopen() of a directory succeeds and reads nothing.
            if (Files.isDirectory(path)) return "";
            return new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
        } catch (IOException | InvalidPathException e) {
            String why = e instanceof IOException io ? strerror(io) : "No such file or directory";
            throw new ConfigException(ConfigException.Kind.LOG,
                    "Fatal error, can't open config file '" + shownName + "': " + why);
        }
    }

    /** Parses config text (a file, an include, or file + options), line by line. */
    private void parse(String text) throws ConfigException {
        readingFile = true;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = trim(lines[i], " \t\r\n");
            if (line.isEmpty() || line.charAt(0) == '#') continue;
            List<String> argv = ArgSplitter.split(line);
            if (argv == null) throw fatal(i + 1, line, "Unbalanced quotes in configuration line");
            if (argv.isEmpty()) continue;
            String name = lower(argv.get(0));
            int argc = argv.size();

            Entry entry = entries.get(name);
            if (entry != null) {
                Directive d = entry.directive();
                if (!d.has(Directive.MULTI_ARG) && argc != 2) throw fatal(i + 1, line, "wrong number of arguments");
                List<String> values = argv.subList(1, argc);
                if (d.has(Directive.MULTI_ARG) && argc == 2 && !argv.get(1).isEmpty()) {
                    // A multi-argument directive given one argument, e.g. --save "900 1 300 10".
                    values = ArgSplitter.split(argv.get(1));
                    if (values == null) values = List.of();
                }
                try {
                    d.set(this, values);
                } catch (Directive.InvalidValue e) {
                    throw fatal(i + 1, line, e.getMessage());
                }
                continue;
            }
            if (argc == 2 && (name.equals("list-max-ziplist-entries") || name.equals("list-max-ziplist-value")
                    || name.equals("lua-replicate-commands"))) {
                continue; // deprecated in 7.0: accepted and ignored
            }
            if (name.equals("include") && argc == 2) {
                include(argv.get(1));
            } else if (name.indexOf('.') >= 0) {
                if (argc < 2) throw fatal(i + 1, line, "Module config specified without value");
                moduleConfigs.put(name, String.join(" ", argv.subList(1, argc)));
            } else if ((name.equals("user") && argc >= 2) || (name.equals("rename-command") && argc == 3)) {
                // Applied once the command table exists (VermilionNode): see docs/security.md.
                securityLines.add(new SecurityLine(i + 1, line, List.copyOf(argv)));
            } else if (name.equals("sentinel")) {
                // A bare "sentinel" only selects sentinel mode on the command line.
                if (argc != 1) throw fatal(i + 1, line, "sentinel directive while not in sentinel mode");
            } else {
                throw fatal(i + 1, line, "Bad directive or wrong number of arguments");
            }
        }

        String logfile = get("logfile");
        if (!logfile.isEmpty()) {
            // Fail now rather than when the server starts logging, as Redis does.
            try (OutputStream out = Files.newOutputStream(resolve(logfile), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
                out.flush();
            } catch (IOException e) {
                throw fatal("Can't open the log file: " + strerror(e));
            }
        }
        if (clusterEnabled() && replicaOf().host != null) {
            throw fatal("replicaof directive not allowed in cluster mode");
        }
        // As in Redis, any parse (an include too) ends the accumulation of save lines.
        readingFile = false;
    }

    /** Redis reads an include as a separate text: its errors report its own line numbers. */
    private void include(String name) throws ConfigException {
        StringBuilder text = new StringBuilder();
        if (name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0) {
            // A pattern matching nothing is fine: it allows including an empty conf.d directory.
            for (String match : glob(name)) text.append(readConfigText(resolve(match), match));
        } else {
            text.append(readConfigText(resolve(name), name));
        }
        parse(text.toString());
    }

    /** glob(3) for include patterns: matching paths, relative ones relative to {@link #dir()}, sorted. */
    private List<String> glob(String pattern) {
        boolean absolute = pattern.startsWith("/");
        List<String> found = new ArrayList<>();
        found.add(absolute ? "/" : "");
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) continue;
            List<String> next = new ArrayList<>();
            boolean wild = part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('[') >= 0;
            for (String prefix : found) {
                if (!wild) {
                    next.add(join(prefix, part));
                    continue;
                }
                Path dirPath = prefix.isEmpty() ? cwd : resolve(prefix);
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dirPath)) {
                    for (Path p : ds) {
                        String n = p.getFileName().toString();
                        if (n.startsWith(".") && !part.startsWith(".")) continue;
                        if (Glob.matches(part, n, false)) names.add(n);
                    }
                } catch (IOException | InvalidPathException e) {
                    continue;
                }
                Collections.sort(names);
                for (String n : names) next.add(join(prefix, n));
            }
            found = next;
        }
        List<String> result = new ArrayList<>();
        for (String f : found) {
            if (!f.isEmpty() && Files.exists(resolve(f))) result.add(f);
        }
        return result;
    }

    private static String join(String prefix, String name) {
        if (prefix.isEmpty()) return name;
        return prefix.endsWith("/") ? prefix + name : prefix + "/" + name;
    }

    private static ConfigException fatal(int lineNumber, String line, String error) {
        return new ConfigException(ConfigException.Kind.FATAL, "\n*** FATAL CONFIG FILE ERROR (" + BANNER + ") ***\n"
                + "Reading the configuration file, at line " + lineNumber + "\n>>> '" + line + "'\n" + error);
    }

    private static ConfigException fatal(String error) {
        return new ConfigException(ConfigException.Kind.FATAL,
                "\n*** FATAL CONFIG FILE ERROR (" + BANNER + ") ***\n" + error);
    }

    // ================================================================== reading values

    /** The value as CONFIG GET prints it (memory values in bytes), or null for an unknown name. */
    public String get(String name) {
        Entry e = entries.get(lower(name));
        return e == null ? null : e.directive().get(this);
    }

    /** A numeric (or yes/no as 1/0) value as an int; fails if it does not fit. */
    public int getInt(String name) {
        return Math.toIntExact(getLong(name));
    }

    /**
     * A numeric value. Unsigned values above Long.MAX_VALUE (only possible for maxmemory and
     * cluster-link-sendbuf-limit) come back negative; a percentage (maxmemory-clients "10%")
     * comes back negated (-10), as Redis stores it.
     */
    public long getLong(String name) {
        return directive(name).asLong(this);
    }

    /** A yes/no value. */
    public boolean getBool(String name) {
        Directive d = directive(name);
        if (d instanceof Directive.Bool b) return b.value;
        return "yes".equals(d.get(this));
    }

    /** A multi-argument value split into words (save, bind, ...); empty when unset. */
    public List<String> getList(String name) {
        String v = directive(name).get(this);
        return v.isEmpty() ? List.of() : List.of(v.split(" "));
    }

    /** CONFIG GET for one pattern: see {@link #getMatching(List)}. */
    public List<String> getMatching(String globPattern) {
        return getMatching(List.of(globPattern));
    }

    /**
     * CONFIG GET: a flat name, value, name, value... list. An argument without glob characters
     * ({@code * ? [}) is an exact (case-insensitive) name, reported as the caller spelled it;
     * otherwise it is a case-insensitive pattern over all names and aliases, except hidden
     * directives, which only exact names reach. A name is reported once however many
     * arguments match it. Redis's order is its hash table's; this one sorts by name.
     */
    public List<String> getMatching(List<String> patterns) {
        Map<String, String[]> found = new TreeMap<>();
        for (String p : patterns) {
            if (p.indexOf('*') < 0 && p.indexOf('?') < 0 && p.indexOf('[') < 0) {
                String key = lower(p);
                Entry e = entries.get(key);
                if (e != null && !found.containsKey(key)) found.put(key, new String[] {p, e.directive().get(this)});
                continue;
            }
            for (Entry e : entries.values()) {
                if (e.directive().has(Directive.HIDDEN) || found.containsKey(e.name())) continue;
                if (Glob.matches(p, e.name(), true)) found.put(e.name(), new String[] {e.name(), e.directive().get(this)});
            }
        }
        List<String> out = new ArrayList<>(found.size() * 2);
        for (String[] nv : found.values()) {
            out.add(nv[0]);
            out.add(nv[1]);
        }
        return out;
    }

    /** Whether {@code name} is a directive or alias. */
    public boolean contains(String name) {
        return entries.containsKey(lower(name));
    }

    /** The primary name for a name or alias (slaveof -> replicaof), or null if unknown. */
    public String canonicalName(String name) {
        Entry e = entries.get(lower(name));
        return e == null ? null : e.directive().name;
    }

    /** Directives that CONFIG SET refuses with "can't set immutable config". */
    public boolean isImmutable(String name) {
        return directive(name).has(Directive.IMMUTABLE);
    }

    /** Secret values (requirepass, masterauth, masteruser): redact them in slowlog/MONITOR. */
    public boolean isSensitive(String name) {
        return directive(name).has(Directive.SENSITIVE);
    }

    /** dir and dbfilename: settable only as enable-protected-configs allows. */
    public boolean isProtected(String name) {
        return directive(name).has(Directive.PROTECTED);
    }

    /** Absolute path of the config file given at startup, or null when there was none. */
    public Path configFile() {
        return configFile;
    }

    /** The working directory (CONFIG GET dir): where relative file names live. */
    public Path dir() {
        return cwd;
    }

    /** A file name from the configuration (dbfilename, logfile, ...) resolved against {@link #dir()}. */
    public Path resolve(String fileName) {
        return cwd.resolve(fileName);
    }

    boolean clusterEnabled() {
        return ((Directive.Bool) entries.get("cluster-enabled").directive()).value;
    }

    private Specials.ReplicaOf replicaOf() {
        return (Specials.ReplicaOf) entries.get("replicaof").directive();
    }

    private Directive directive(String name) {
        Entry e = entries.get(lower(name));
        if (e == null) throw new IllegalArgumentException("unknown config '" + name + "'");
        return e.directive();
    }

    // ================================================================== CONFIG SET

    /**
     * Registers a hook run after a CONFIG SET changed {@code name} (any alias of it), with the
     * new value as CONFIG GET prints it. Hooks run in the order the directives were set, one
     * call per changed directive. A hook that throws a RuntimeException vetoes the change: all
     * directives of that CONFIG SET are restored, hooks that already ran (the vetoing one
     * included, as Redis re-applies) are called again with the restored values, and CONFIG SET
     * fails with the exception's message, e.g.
     * "Unable to listen on this port. Check server logs.".
     */
    public void addListener(String name, Consumer<String> onChange) {
        listeners.computeIfAbsent(directive(name), d -> new CopyOnWriteArrayList<>()).add(onChange);
    }

    /** Tells CONFIG SET whether a dataset is being loaded (dir, appendonly, repl-diskless-load are refused then). */
    public void setLoadingProbe(BooleanSupplier isLoading) {
        this.loading = isLoading == null ? () -> false : isLoading;
    }

    /** CONFIG SET from a client that is not local: see {@link #set(List, boolean)}. */
    public void set(List<String> nameValuePairs) throws ConfigException {
        set(nameValuePairs, false);
    }

    /**
     * CONFIG SET name value [name value ...]: all or nothing. The first problem in argument order
     * decides the error; values are then set in order and on any failure every directive is
     * put back. Multi-argument values (save, bind, ...) are split on single spaces.
     *
     * @param localClient whether the client is on a loopback/unix connection, which
     *     {@code enable-protected-configs local} requires for dir and dbfilename
     * @throws ConfigException kind REPLY, message without the leading '-', e.g.
     *     "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
     */
    public synchronized void set(List<String> nameValuePairs, boolean localClient) throws ConfigException {
        int size = nameValuePairs.size();
        if (size == 0) throw reply("ERR wrong number of arguments for 'config|set' command");
        if (size % 2 != 0) throw reply("ERR syntax error");
        Entry[] targets = new Entry[size / 2];
        for (int i = 0; i < targets.length; i++) {
            String name = nameValuePairs.get(2 * i);
            Entry e = entries.get(lower(name));
            if (e == null) throw reply("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
            Directive d = e.directive();
            if (d.has(Directive.IMMUTABLE)) throw setFailed(name, "can't set immutable config");
            if (d.has(Directive.PROTECTED) && !protectedAllowed(localClient)) {
                throw setFailed(name, "can't set protected config");
            }
            if (d.has(Directive.DENY_LOADING) && loading.getAsBoolean()) {
                throw reply("LOADING Redis is loading the dataset in memory");
            }
            for (int j = 0; j < i; j++) {
                // Redis compares table entries: an alias and its primary name are not duplicates.
                if (targets[j] == e) throw setFailed(name, "duplicate parameter");
            }
            targets[i] = e;
        }

        Map<Directive, Object> before = new LinkedHashMap<>();
        for (Entry e : targets) before.computeIfAbsent(e.directive(), d -> d.snapshot(this));
        List<Directive> changed = new ArrayList<>();
        for (int i = 0; i < targets.length; i++) {
            Directive d = targets[i].directive();
            String value = nameValuePairs.get(2 * i + 1);
            List<String> args = d.has(Directive.MULTI_ARG) ? splitOnSpaces(value) : List.of(value);
            try {
                if (d.set(this, args) && !changed.contains(d)) changed.add(d);
            } catch (Directive.InvalidValue ex) {
                restore(before);
                throw setFailed(targets[i].name(), ex.getMessage());
            }
        }

        for (int k = 0; k < changed.size(); k++) {
            Directive d = changed.get(k);
            try {
                notifyListeners(d);
            } catch (RuntimeException ex) {
                restore(before);
                for (int m = 0; m <= k; m++) {
                    try {
                        notifyListeners(changed.get(m));
                    } catch (RuntimeException ignored) {
                        // Restoring is best effort, as in Redis (which only logs here).
                    }
                }
                String name = d.name;
                for (Entry e : targets) {
                    if (e.directive() == d) { name = e.name(); break; }
                }
                throw ex.getMessage() == null
                        ? reply("ERR CONFIG SET failed (possibly related to argument '" + name + "')")
                        : setFailed(name, ex.getMessage());
            }
        }
    }

    private boolean protectedAllowed(boolean localClient) {
        String mode = get("enable-protected-configs");
        return mode.equals("yes") || (mode.equals("local") && localClient);
    }

    private void restore(Map<Directive, Object> before) {
        for (Map.Entry<Directive, Object> e : before.entrySet()) e.getKey().restore(this, e.getValue());
    }

    private void notifyListeners(Directive d) {
        List<Consumer<String>> ls = listeners.get(d);
        if (ls == null) return;
        String value = d.get(this);
        for (Consumer<String> l : ls) l.accept(value);
    }

    /** Splits on every single space, as CONFIG SET does: "" is no arguments, "a  b" has an empty one. */
    private static List<String> splitOnSpaces(String value) {
        return value.isEmpty() ? List.of() : Arrays.asList(value.split(" ", -1));
    }

    private static ConfigException reply(String message) {
        return new ConfigException(ConfigException.Kind.REPLY, message);
    }

    private static ConfigException setFailed(String name, String why) {
        return reply("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why);
    }

    // ================================================================== CONFIG REWRITE

    /**
     * CONFIG REWRITE: rewrites {@link #configFile()} keeping comments, unknown lines and the order
     * of directives; changed directives are updated in place, directives that differ from their
     * default and were not in the file are appended after a "# Generated by CONFIG REWRITE"
     * line, and superfluous old lines are removed. The file is replaced atomically.
     *
     * <p>Errors: with no config file the message is "The server is running without a config
     * file" (reply "ERR " + it); otherwise it is the system's error text (reply
     * "ERR Rewriting config file: " + it).
     */
    public synchronized void rewrite() throws IOException {
        Path file = configFile;
        if (file == null) throw new IOException("The server is running without a config file");
        try {
            Rewriter rw = Rewriter.readOld(file, this);
            for (Directive d : table) d.rewrite(this, rw);
            // Users (Redis's rewriteConfigUserOption): with an aclfile the file's "user" lines go;
            // otherwise every user is written as "user <name> <rules>" (ACL LIST's form).
            java.util.function.Supplier<List<String>> ul = userLines;
            if (ul != null) {
                if (!get("aclfile").isEmpty()) {
                    rw.mark("user");
                } else {
                    for (String l : ul.get()) rw.line("user", l, true);
                    rw.mark("user");
                }
            }
            rw.mark("loadmodule"); // no modules: drop any loadmodule lines, as Redis does with none loaded
            rw.blankOrphans();
            writeAtomically(file, rw.content().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IOException(strerror(e), e);
        }
    }

    private volatile java.util.function.Supplier<List<String>> userLines;

    /** CONFIG REWRITE's source of "user ..." lines (the node's ACL), called on the command thread. */
    public void userLines(java.util.function.Supplier<List<String>> lines) {
        userLines = lines;
    }

    /** The rewrite key for a directive name found in an old config file, or null if unknown. */
    String rewriteOptionName(String word) {
        String name = lower(word);
        Entry e = entries.get(name);
        if (e != null) return e.directive().name;
        return REWRITE_KEEPS.contains(name) ? name : null;
    }

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", "");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // make the rename durable
            } catch (IOException e) {
                // some file systems cannot sync a directory; the rename is done anyway
            }
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    // ================================================================== helpers

    /** Validates a proc-title-template by expanding it as Redis would with an empty title. */
    boolean procTitleValid(String template) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            int start = open + 1;
            if (start >= template.length()) return false;
            if (template.charAt(start) == '{') { // "{{" is a literal '{'
                out.append('{');
                i = start + 1;
                continue;
            }
            int close = template.indexOf('}', start);
            if (close < 0) return false;
            String value = procTitleVariable(template.substring(start, close));
            if (value == null) return false;
            out.append(value);
            i = close + 1;
        }
        return !trim(out.toString(), " ").isEmpty();
    }

    private String procTitleVariable(String name) {
        long port = getLong("port");
        switch (name) {
            case "title":
                return "";
            case "listen-addr":
                if (port != 0) {
                    List<String> bind = getList("bind");
                    return (bind.isEmpty() ? "*" : bind.get(0)) + ":" + port;
                }
                return "unixsocket:" + get("unixsocket");
            case "server-mode":
                return clusterEnabled() ? "[cluster]" : "";
            case "config-file":
                return configFile == null ? "-" : configFile.toString();
            case "port":
                return Long.toString(port);
            case "tls-port":
                return Long.toString(getLong("tls-port"));
            case "unixsocket":
                return get("unixsocket");
            default:
                return null;
        }
    }

    /** The C library's text for an I/O error (as strerror(errno) would print it). */
    static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof NotDirectoryException) return "Not a directory";
        if (e instanceof FileSystemException fs && fs.getReason() != null) return fs.getReason();
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Removes any of {@code chars} from both ends. */
    static String trim(String s, String chars) {
        int b = 0;
        int e = s.length();
        while (b < e && chars.indexOf(s.charAt(b)) >= 0) b++;
        while (e > b && chars.indexOf(s.charAt(e - 1)) >= 0) e--;
        return s.substring(b, e);
    }

    /** ASCII-only lower case, as C's tolower in the C locale. */
    static String lower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] cs = s.toCharArray();
                for (int k = i; k < cs.length; k++) {
                    if (cs[k] >= 'A' && cs[k] <= 'Z') cs[k] += 32;
                }
                return new String(cs);
            }
        }
        return s;
    }

    /** Bytes (as received from a client) to a config string: one char per byte. */
    public static String fromBytes(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** A config string back to the bytes it stands for. */
    public static byte[] toBytes(String value) {
        return value.getBytes(StandardCharsets.ISO_8859_1);
    }
}
