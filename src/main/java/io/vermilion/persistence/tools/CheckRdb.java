package io.vermilion.persistence.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code vermilion-check-rdb <rdb-file-name>}: checks an RDB file as redis-check-rdb does, with the
 * same report; exit code 0 when the file is valid, 1 otherwise (and for a missing file or wrong
 * arguments).
 */
public final class CheckRdb {
    private CheckRdb() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(args, new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false),
                System.err));
    }

    /** Runs the tool; returns the exit code. Output goes to out (the report) and err (usage). */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        return runIn(Path.of(""), args, out, err);
    }

    /** As {@link #run}, with relative file names resolved against cwd (tests run it in-process). */
    public static int runIn(Path cwd, String[] args, PrintStream out, PrintStream err) throws IOException {
        try {
            if (args.length != 1) {
                err.print("Usage: " + program() + " <rdb-file-name>\n");
                return 1;
            }
            return check(cwd, args[0], out);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static String program() {
        return System.getProperty("vermilion.program", "vermilion-check-rdb");
    }

    static int check(Path cwd, String name, PrintStream out) throws IOException {
        Path path = cwd.resolve(name);
        RdbCheck check;
        ToolFile f;
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            // As redis-check-rdb: the header line, then failure without a report.
            out.print("[offset 0] Checking RDB file " + name + "\n");
            return 1;
        }
        f = new ToolFile(path, false);
        try (f) {
            check = new RdbCheck(f, out);
            boolean ok = check.run(name);
            if (!ok && check.internalError) terminating(out);
            return ok ? 0 : 1;
        }
    }

    private static final java.time.format.DateTimeFormatter LOG_TIME =
            java.time.format.DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", java.util.Locale.ROOT);

    /** A warning in Redis's log format, as the tools' role ("C") prints it: {@code pid:C date # msg}. */
    static void warning(PrintStream out, String msg) {
        out.print(ProcessHandle.current().pid() + ":C " + LOG_TIME.format(java.time.ZonedDateTime.now()) + " # "
                + msg + "\n");
    }

    /** The log line Redis prints when its loader gives up on a corrupt file. */
    static void terminating(PrintStream out) {
        warning(out, "Terminating server after rdb file reading failure.");
    }
}
