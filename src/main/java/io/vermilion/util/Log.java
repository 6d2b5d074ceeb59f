package io.vermilion.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The node's log, in Redis's line format: {@code pid:role dd Mon yyyy HH:mm:ss.SSS <level> message},
 * where the level mark is '.' debug, '-' verbose, '*' notice, '#' warning. Writes to the logfile
 * (appending) or to stdout when none is set.
 */
public final class Log {
    public enum Level { DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#');
        final char mark;
        Level(char m) { mark = m; }
    }

    private static final DateTimeFormatter FMT = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);
    private final long pid = ProcessHandle.current().pid();
    private volatile PrintStream out = System.out;
    private volatile Level level = Level.NOTICE;
    private volatile char role = 'M';

    public void level(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "debug": level = Level.DEBUG; break;
            case "verbose": level = Level.VERBOSE; break;
            case "warning": level = Level.WARNING; break;
            default: level = Level.NOTICE;
        }
    }

    public void role(char r) { role = r; }

    /** Sends the log to a file (appending); empty = stdout. */
    public void file(String path) throws IOException {
        if (path == null || path.isEmpty()) {
            out = System.out;
        } else {
            out = new PrintStream(new FileOutputStream(path, true), true, StandardCharsets.UTF_8);
        }
    }

    public void log(Level l, String msg) {
        if (l.ordinal() < level.ordinal()) return;
        out.println(pid + ":" + role + " " + FMT.format(ZonedDateTime.now()) + " " + l.mark + " " + msg);
    }

    public void debug(String m) { log(Level.DEBUG, m); }
    public void verbose(String m) { log(Level.VERBOSE, m); }
    public void notice(String m) { log(Level.NOTICE, m); }
    public void warning(String m) { log(Level.WARNING, m); }
}
