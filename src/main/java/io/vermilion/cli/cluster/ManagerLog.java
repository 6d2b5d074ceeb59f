package io.vermilion.cli.cluster;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where the cluster manager writes, with redis-cli's conventions: every message (information,
 * warnings, errors, successes) goes to stdout, coloured when {@code TERM} names an xterm (redis-cli
 * decides on {@code TERM} alone, not on whether stdout is a terminal); only a few usage errors go
 * to stderr. Thread safe: workers moving slots in parallel print through it.
 */
public final class ManagerLog {
    /** Message kinds, which pick the colour. */
    public enum Level { INFO, WARN, ERR, OK, PLAIN }

    private final PrintStream out;
    private final PrintStream err;
    private final boolean colors;
    private final boolean stdoutTty;

    public ManagerLog(PrintStream out, PrintStream err, boolean colors, boolean stdoutTty) {
        this.out = out;
        this.err = err;
        this.colors = colors;
        this.stdoutTty = stdoutTty;
    }

    /** The process's stdout/stderr; colours as redis-cli decides them. */
    public static ManagerLog system(boolean stdoutTty) {
        PrintStream o = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        return new ManagerLog(o, e, isColorTerm(), stdoutTty);
    }

    /** A log that discards everything (library callers that only want the effect). */
    public static ManagerLog silent() {
        PrintStream n = new PrintStream(OutputStream.nullOutputStream());
        return new ManagerLog(n, n, false, false);
    }

    /** A log writing plain text to {@code out} (and errors there too). */
    public static ManagerLog to(PrintStream out) {
        return new ManagerLog(out, out, false, false);
    }

    /** redis-cli colours cluster manager output when TERM contains "xterm". */
    public static boolean isColorTerm() {
        String t = System.getenv("TERM");
        return t != null && t.contains("xterm");
    }

    public boolean stdoutTty() {
        return stdoutTty;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** A progress bar is on the current terminal line: clear it before printing anything else. */
    private boolean barShown;

    /** Draws (or redraws) a progress line in place; other output erases it first. */
    public synchronized void bar(String line) {
        out.print("\r" + line + "\033[K");
        out.flush();
        barShown = true;
    }

    /** Erases the progress line, if any. */
    public synchronized void clearBar() {
        if (barShown) {
            out.print("\r\033[K");
            out.flush();
            barShown = false;
        }
    }

    public synchronized void log(Level level, String text) {
        clearBar();
        if (colors && level != Level.PLAIN) {
            String code = switch (level) {
                case INFO -> "29;1m";
                case WARN -> "33;1m";
                case ERR -> "31;1m";
                case OK -> "32;1m";
                default -> "0m";
            };
            out.print("\033[" + code + text + "\033[0m");
        } else {
            out.print(text);
        }
        out.flush();
    }

    /** {@code >>> ...} lines. */
    public void info(String line) {
        log(Level.INFO, line + "\n");
    }

    public void warn(String line) {
        log(Level.WARN, line + "\n");
    }

    public void error(String line) {
        log(Level.ERR, line + "\n");
    }

    public void ok(String line) {
        log(Level.OK, line + "\n");
    }

    /** An uncoloured line on stdout (redis-cli's printf). */
    public synchronized void println(String line) {
        clearBar();
        out.print(line + "\n");
        out.flush();
    }

    /** Uncoloured text on stdout without a newline. */
    public synchronized void print(String text) {
        clearBar();
        out.print(text);
        out.flush();
    }

    /** Raw bytes on stdout (keys are binary). */
    public synchronized void raw(byte[] bytes) {
        clearBar();
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    /** A line on stderr (redis-cli's fprintf(stderr)). stdout is flushed first to keep the order on a terminal. */
    public synchronized void stderr(String line) {
        clearBar();
        out.flush();
        err.print(line + "\n");
        err.flush();
    }

    /** redis-cli's "Node host:port replied with error:\n<error>" (stdout, red). */
    public void replyError(ClusterNode n, String error) {
        error("Node " + n.host() + ":" + n.port() + " replied with error:\n" + error);
    }
}
