package io.vermilion.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The interactive loop, shared by the terminal line editor ({@link JLineSource}) and plain stdin
 * ({@link StdinSource}, used when stdin is not a terminal: commands are read line by line with no
 * prompt, as redis-cli does).
 *
 * <p>Besides server commands it understands what redis-cli does locally: {@code quit}/{@code exit},
 * {@code help}, {@code connect host port}, {@code clear}, {@code :set hints|nohints}, and a leading
 * repeat count ({@code 5 incr counter}).
 */
public final class Repl {
    /** Where lines come from. */
    public interface LineSource extends AutoCloseable {
        /** The next line without its newline, or null at end of input (or Ctrl-C / Ctrl-D on a terminal). */
        byte[] readLine(String prompt) throws IOException;

        /** Records a line in the history (not called for lines holding passwords). */
        default void addHistory(byte[] line) {}

        default void clearScreen() {}

        @Override
        default void close() {}
    }

    private static final Pattern NUMBER = Pattern.compile("[ \\t\\n\\x0B\\f\\r]*[+-]?[0-9]+");

    private final Session session;
    private final CommandExecutor executor;
    private final LineSource source;

    public Repl(Session session, CommandExecutor executor, LineSource source) {
        this.session = session;
        this.executor = executor;
        this.source = source;
    }

    /** Runs until end of input or {@code quit}; returns the process exit status (always 0, as redis-cli). */
    public int run() throws IOException {
        CliOutput out = session.output();
        byte[] line;
        while ((line = source.readLine(session.prompt())) != null) {
            if (line.length == 0 || line[0] == 0) continue;
            List<byte[]> argv = ArgSplitter.split(line);
            if (argv == null) {
                out.print("Invalid argument(s)\n");
                out.flush();
                source.addHistory(line);
                continue;
            }
            if (argv.isEmpty()) continue;

            long repeat = 1;
            int skip = 0;
            String first = new String(argv.get(0), StandardCharsets.ISO_8859_1);
            if (argv.size() > 1 && (first.isEmpty() || NUMBER.matcher(first).matches())) {
                long n;
                try {
                    n = first.isEmpty() ? 0 : Long.parseLong(first.strip().replace("+", ""));
                } catch (NumberFormatException e) {
                    n = -1; // out of range, as strtol's ERANGE
                }
                if (n <= 0) {
                    out.print("Invalid redis-cli repeat command option value.\n");
                    out.flush();
                    continue;
                }
                repeat = n;
                skip = 1;
            }
            if (!isSensitive(argv.subList(skip, argv.size()))) source.addHistory(line);

            String cmd = first.toLowerCase(Locale.ROOT);
            if (cmd.equals("quit") || cmd.equals("exit")) {
                return 0;
            } else if (first.startsWith(":")) {
                setPreference(argv);
            } else if (cmd.equals("restart")) {
                out.print("Use 'restart' only in Lua debugging mode.\n");
                out.flush();
            } else if (argv.size() == 3 && cmd.equals("connect")) {
                session.retarget(new String(argv.get(1), StandardCharsets.UTF_8),
                        RedisUri.atoi(new String(argv.get(2), StandardCharsets.ISO_8859_1)));
                session.connect(true, false);
            } else if (argv.size() == 1 && cmd.equals("clear")) {
                source.clearScreen();
            } else {
                long start = System.nanoTime();
                executor.issue(argv.subList(skip, argv.size()), repeat);
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                if (elapsedMs >= 500 && session.config().output == OutputMode.STANDARD) {
                    out.print(String.format(Locale.ROOT, "(%.2fs)\n", elapsedMs / 1000.0));
                    out.flush();
                }
            }
        }
        return 0;
    }

    private void setPreference(List<byte[]> argv) {
        CliOutput out = session.output();
        String a0 = new String(argv.get(0), StandardCharsets.UTF_8);
        if (a0.equalsIgnoreCase(":set") && argv.size() >= 2) {
            String p = new String(argv.get(1), StandardCharsets.UTF_8);
            if (p.equalsIgnoreCase("hints")) session.config().hints = true;
            else if (p.equalsIgnoreCase("nohints")) session.config().hints = false;
            else out.print("unknown redis-cli preference '" + p + "'\n");
        } else {
            out.print("unknown redis-cli internal command '" + a0 + "'\n");
        }
        out.flush();
    }

    /**
     * Lines that carry passwords are kept out of the history file: AUTH, ACL SETUSER,
     * CONFIG SET masterauth/masteruser/requirepass, HELLO ... AUTH, MIGRATE ... AUTH/AUTH2.
     */
    static boolean isSensitive(List<byte[]> argv) {
        int argc = argv.size();
        if (argc == 0) return false;
        String a0 = CommandExecutor.lower(argv.get(0));
        if (a0.equals("auth")) return true;
        if (argc > 1 && a0.equals("acl") && CommandExecutor.lower(argv.get(1)).equals("setuser")) return true;
        if (argc > 2 && a0.equals("config") && CommandExecutor.lower(argv.get(1)).equals("set")) {
            String p = CommandExecutor.lower(argv.get(2));
            return p.equals("masterauth") || p.equals("masteruser") || p.equals("requirepass");
        }
        if (argc > 4 && a0.equals("hello")) {
            for (int j = 2; j < argc; j++) {
                int more = argc - 1 - j;
                String a = CommandExecutor.lower(argv.get(j));
                if (a.equals("auth") && more >= 2) return true;
                if (a.equals("setname") && more > 0) j++;
                else return false;
            }
            return false;
        }
        if (argc > 7 && a0.equals("migrate")) {
            for (int j = 6; j < argc; j++) {
                int more = argc - 1 - j;
                String a = CommandExecutor.lower(argv.get(j));
                if (a.equals("auth") && more > 0) return true;
                if (a.equals("auth2") && more >= 2) return true;
                if (a.equals("keys") && more > 0) return false;
            }
        }
        return false;
    }

    /** Lines from a non-terminal stdin: no prompt, no editing, no history. */
    public static final class StdinSource implements LineSource {
        private final InputStream in;

        public StdinSource(InputStream in) {
            this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
        }

        @Override
        public byte[] readLine(String prompt) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') line.write(c);
            if (c == -1 && line.size() == 0) return null;
            return line.toByteArray();
        }
    }
}
