package io.vermilion.persistence.tools;

import io.vermilion.persistence.aof.AofException;
import io.vermilion.persistence.aof.AofManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vermilion-check-aof [--fix|--truncate-to-timestamp <ts>] <file.manifest|file.aof>}: checks an
 * append-only file as redis-check-aof 7.0 does, with the same report and exit codes. The input is a
 * multi-part manifest (its base, RDB or RESP, then each incr file), an RDB-preamble AOF, or a plain
 * RESP AOF. Every command must be a well-formed RESP array of bulk strings and MULTI/EXEC must
 * pair up; the valid prefix and what follows it are reported, and {@code --fix} (after a "y"
 * on stdin) truncates the last file to that prefix. {@code --truncate-to-timestamp} cuts the last
 * file before the first {@code #TS:} annotation later than the given unix time.
 */
public final class CheckAof {
    /** Outcomes of one file. */
    private enum Result { OK, EMPTY, TRUNCATED, TIMESTAMP_TRUNCATED }

    /** The tool ends with this exit code (Redis calls exit() from deep inside its checks). */
    static final class Exit extends Exception {
        final int code;

        Exit(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    private final PrintStream out;
    private final InputStream stdin;
    private final boolean fix;
    private final long toTimestamp;
    /** Lines consumed so far, across all the files of a check (Redis keeps one counter). */
    private long line = 1;
    /** The first error found, prefixed with the offset of the read that found it. */
    private String error = "";
    private long errorPos;

    private final Path cwd;
    private final byte[] argcBuf = new byte[130], bulkBuf = new byte[130];

    private CheckAof(Path cwd, PrintStream out, InputStream stdin, boolean fix, long toTimestamp) {
        this.cwd = cwd;
        this.out = out;
        this.stdin = stdin;
        this.fix = fix;
        this.toTimestamp = toTimestamp;
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        System.exit(run(args, out, System.in));
    }

    static String program() {
        return System.getProperty("vermilion.program", "vermilion-check-aof");
    }

    /** Runs the tool; returns its exit code. */
    static int run(String[] args, PrintStream out, InputStream stdin) throws IOException {
        return runIn(Path.of(""), args, out, stdin);
    }

    /** As {@link #run}, with relative file names resolved against cwd (tests run it in-process). */
    public static int runIn(Path cwd, String[] args, PrintStream out, InputStream stdin) throws IOException {
        try {
            String file;
            boolean fix = false;
            long ts = 0;
            if (args.length == 1) {
                file = args[0];
            } else if (args.length == 2 && args[0].equals("--fix")) {
                file = args[1];
                fix = true;
            } else if (args.length == 3 && args[0].equals("--truncate-to-timestamp")) {
                Long v = strtolWhole(args[1]);
                if (v == null) {
                    out.print("Invalid timestamp, aborting...\n");
                    return 1;
                }
                ts = v;
                file = args[2];
            } else {
                out.print("Usage: " + program()
                        + " [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n");
                return 1;
            }
            CheckAof c = new CheckAof(cwd, out, stdin, fix, ts);
            try {
                c.check(file);
                return 0;
            } catch (Exit e) {
                return e.code;
            }
        } finally {
            out.flush();
        }
    }

    /** strtol over the whole text (no trailing characters), or null. */
    private static Long strtolWhole(String s) {
        String t = s.stripLeading();
        if (!t.matches("[+-]?\\d+")) return null;
        try {
            return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void check(String file) throws IOException, Exit {
        Path path = Path.of(file);
        // dirname(3): "." for a bare name
        Path parent = path.getParent();
        String dir = parent == null ? "." : parent.toString();
        if (isManifest(file)) {
            checkMultiPart(dir, file);
        } else {
            out.print("Start checking Old-Style AOF\n");
            Result r = checkSingle(file, file, true, isRdb(file));
            report(r, "AOF", file);
        }
    }

    private void report(Result r, String what, String name) {
        switch (r) {
            case OK -> out.print(what + " " + name + " is valid\n");
            case EMPTY -> out.print(what + " " + name + " is empty\n");
            case TIMESTAMP_TRUNCATED -> out.print("Successfully truncated AOF " + name + " to timestamp " + toTimestamp + "\n");
            case TRUNCATED -> out.print("Successfully truncated AOF " + name + "\n");
        }
    }

    private static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private byte[] readHead(String file, int max) throws Exit {
        Path p = cwd.resolve(file);
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(max);
        } catch (IOException e) {
            out.print("Cannot open file " + file + ": " + strerror(e) + "\n");
            throw new Exit(1);
        }
    }

    /** A manifest's first line that is not a comment starts with "file". */
    private boolean isManifest(String file) throws Exit {
        byte[] head = readHead(file, 64 * 1024);
        int i = 0;
        while (i < head.length) {
            int end = i;
            while (end < head.length && head[end] != '\n' && end - i < 1024) end++;
            if (head[i] != '#') {
                return end - i >= 4 && head[i] == 'f' && head[i + 1] == 'i' && head[i + 2] == 'l' && head[i + 3] == 'e';
            }
            i = end + 1;
        }
        return false;
    }

    /** At least 8 bytes starting with "REDIS". */
    private boolean isRdb(String file) throws Exit {
        byte[] head = readHead(file, 8);
        return head.length >= 8 && new String(head, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS");
    }

    private void checkMultiPart(String dir, String manifestFile) throws IOException, Exit {
        out.print("Start checking Multi Part AOF\n");
        AofManifest m;
        try {
            m = AofManifest.parse(Files.readString(cwd.resolve(manifestFile), StandardCharsets.ISO_8859_1));
        } catch (AofException e) {
            manifestError(e.getMessage());
            throw new Exit(1);
        }
        List<AofManifest.Info> files = new ArrayList<>();
        if (m.base() != null) files.add(m.base());
        files.addAll(m.incr());
        int n = 0;
        if (m.base() != null) {
            String name = m.base().name();
            String path = dir + "/" + name;
            boolean last = ++n == files.size();
            boolean rdb = isRdb(path);
            out.print("Start to check BASE AOF (" + (rdb ? "RDB" : "RESP") + " format).\n");
            report(checkSingle(name, path, last, rdb), "BASE AOF", name);
        }
        if (!m.incr().isEmpty()) {
            out.print("Start to check INCR files.\n");
            for (AofManifest.Info info : m.incr()) {
                String name = info.name();
                boolean last = ++n == files.size();
                report(checkSingle(name, dir + "/" + name, last, false), "INCR AOF", name);
            }
        }
        out.print("All AOF files and manifest are valid\n");
    }

    private static final Pattern WHERE = Pattern.compile("^Reading the manifest file, at line (\\d+) >>> '(.*)': (.*)$",
            Pattern.DOTALL);

    /** Redis's fatal manifest report, in its log format. */
    private void manifestError(String message) {
        CheckRdb.warning(out, "\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
        Matcher w = WHERE.matcher(message);
        if (w.matches()) {
            CheckRdb.warning(out, "Reading the manifest file, at line " + w.group(1) + "\n");
            CheckRdb.warning(out, ">>> '" + w.group(2) + "'\n");
            CheckRdb.warning(out, w.group(3) + "\n");
        } else {
            CheckRdb.warning(out, message + "\n");
        }
    }

    // ------------------------------------------------------------------ one file

    private Result checkSingle(String name, String path, boolean last, boolean preamble) throws IOException, Exit {
        ToolFile f;
        try {
            f = new ToolFile(cwd.resolve(path), fix || toTimestamp != 0);
        } catch (IOException e) {
            out.print("Cannot open file " + path + ": " + strerror(e) + ", aborting...\n");
            throw new Exit(1);
        }
        try (f) {
            long size = f.size();
            if (size == 0) return Result.EMPTY;
            if (preamble) {
                RdbCheck rdb = new RdbCheck(f, out);
                boolean ok = rdb.run(name);
                if (!ok) {
                    if (rdb.internalError) {
                        CheckRdb.terminating(out);
                        throw new Exit(1);
                    }
                    out.print("RDB preamble of AOF file is not sane, aborting.\n");
                    throw new Exit(1);
                }
                out.print("RDB preamble is OK, proceeding with AOF tail...\n");
            }
            long pos = 0;
            int[] multi = {0};
            while (true) {
                if (multi[0] == 0) pos = f.position();
                int c = f.read();
                if (c < 0) break;
                f.seek(f.position() - 1);
                if (c == '#') {
                    if (!annotation(f, path, last)) return Result.TIMESTAMP_TRUNCATED;
                } else if (c == '*') {
                    if (!command(f, path, multi)) break;
                } else {
                    out.print("AOF " + name + " format error\n");
                    break;
                }
            }
            if (f.eof() && multi[0] != 0 && error.isEmpty()) setError("Reached EOF before reading EXEC for MULTI");
            if (!error.isEmpty()) out.print(error + "\n");
            long diff = size - pos;
            if (diff == 0 && toTimestamp != 0) {
                out.print("Truncate nothing in AOF " + name + " to timestamp " + toTimestamp + "\n");
                return Result.OK;
            }
            out.print("AOF analyzed: filename=" + name + ", size=" + size + ", ok_up_to=" + pos + ", ok_up_to_line="
                    + line + ", diff=" + diff + "\n");
            if (diff > 0) {
                if (!fix) {
                    out.print("AOF " + name + " is not valid. Use the --fix option to try fixing it.\n");
                    throw new Exit(1);
                }
                if (!last) {
                    out.print("Failed to truncate AOF " + name + " because it is not the last file\n");
                    throw new Exit(1);
                }
                out.print("This will shrink the AOF " + name + " from " + size + " bytes, with " + diff + " bytes, to "
                        + pos + " bytes\n");
                out.print("Continue? [y/N]: ");
                out.flush();
                String answer = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.ISO_8859_1)).readLine();
                if (answer == null || answer.isEmpty() || Character.toLowerCase(answer.charAt(0)) != 'y') {
                    out.print("Aborting...\n");
                    throw new Exit(1);
                }
                try {
                    f.truncate(pos);
                } catch (IOException e) {
                    out.print("Failed to truncate AOF " + name + "\n");
                    throw new Exit(1);
                }
                return Result.TRUNCATED;
            }
            return Result.OK;
        }
    }

    /** Records the first error with the offset of the read that found it ("0x%16llx: ..."). */
    private void setError(String msg) {
        // Redis formats the message into a C string: a NUL byte (e.g. from the file) ends it.
        int nul = msg.indexOf('\0');
        if (nul >= 0) msg = msg.substring(0, nul);
        error = String.format("0x%16x: %s", errorPos, msg);
    }

    /** One RESP command; false (with or without an error) when it is not complete and well formed. */
    private boolean command(ToolFile f, String path, int[] multi) throws IOException {
        long[] argc = new long[1];
        if (!readLong(f, '*', argc)) return false;
        for (long i = 0; i < argc[0]; i++) {
            byte[] arg = readString(f);
            if (arg == null) return false;
            if (i == 0) {
                if (equalsIgnoreCase(arg, "multi")) {
                    if (multi[0]++ != 0) {
                        setError("Unexpected MULTI in AOF " + path);
                        return false;
                    }
                } else if (equalsIgnoreCase(arg, "exec")) {
                    if (--multi[0] != 0) {
                        setError("Unexpected EXEC in AOF " + path);
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static boolean equalsIgnoreCase(byte[] a, String s) {
        // C's strcasecmp stops at a NUL byte
        int n = 0;
        while (n < a.length && a[n] != 0) n++;
        return new String(a, 0, n, StandardCharsets.ISO_8859_1).equalsIgnoreCase(s);
    }

    /**
     * A "&lt;prefix&gt;&lt;number&gt;\r\n" line read as Redis does (a 128-byte fgets, then strtol):
     * the two bytes after the number must be CRLF.
     */
    private boolean readLong(ToolFile f, char prefix, long[] target) throws IOException {
        errorPos = f.position();
        byte[] got = f.fgets(128);
        if (got == null) return false;
        // Redis reads into a 128-byte stack buffer: the line and a NUL overwrite its start, and the
        // report of a bad line end shows the bytes there. For array headers what follows is what the
        // previous array header left; for bulk headers it has been overwritten with zeros by then
        // (observed behaviour of redis-check-aof 7.0.15).
        byte[] buf = prefix == '*' ? argcBuf : bulkBuf;
        if (buf == bulkBuf) java.util.Arrays.fill(buf, (byte) 0);
        System.arraycopy(got, 0, buf, 0, got.length);
        buf[got.length] = 0;
        if (buf[0] != prefix) {
            setError("Expected prefix '" + prefix + "', got: '" + (char) (buf[0] & 0xff) + "'");
            return false;
        }
        int e = 1;
        while (e < buf.length && isSpace(buf[e])) e++;
        boolean neg = false;
        if (buf[e] == '+' || buf[e] == '-') neg = buf[e++] == '-';
        int digits = e;
        long v = 0;
        boolean overflow = false;
        while (buf[e] >= '0' && buf[e] <= '9') {
            int d = buf[e] - '0';
            if (!overflow && v > (Long.MAX_VALUE - d) / 10) overflow = true;
            if (!overflow) v = v * 10 + d;
            e++;
        }
        if (e == digits) e = 1; // no number: strtol leaves the end pointer at the start
        else if (overflow) v = neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        else if (neg) v = -v;
        target[0] = v;
        return newline(buf, e);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private boolean newline(byte[] buf, int at) {
        if (buf[at] != '\r' || buf[at + 1] != '\n') {
            // %02x of a (signed) char, as C prints it
            setError("Expected \\r\\n, got: " + hex(buf[at]) + hex(buf[at + 1]));
            return false;
        }
        line++;
        return true;
    }

    private static String hex(byte b) {
        return b < 0 ? String.format("%08x", (int) b) : String.format("%02x", b);
    }

    /** A "$len\r\n" header and len bytes plus CRLF; null (maybe with an error) when incomplete or malformed. */
    private byte[] readString(ToolFile f) throws IOException {
        long[] len = new long[1];
        if (!readLong(f, '$', len)) return null;
        if (len[0] < 0 || len[0] > Long.MAX_VALUE - 2) {
            setError("Expected to read string of " + len[0] + " bytes, which is not in the suitable range");
            return null;
        }
        long want = len[0] + 2;
        errorPos = f.position();
        if (want > f.remaining()) {
            long got = f.remaining();
            f.skip(got, null);
            f.read(); // the short read hits the end of the file
            setError("Expected to read " + want + " bytes, got " + got + " bytes");
            return null;
        }
        if (want > (1 << 26)) {
            // A huge argument: only its end matters (the CRLF); commands are recognised by short names.
            f.skip(want - 2, null);
            byte[] crlf = new byte[2];
            f.read(crlf, 0, 2);
            return newline(crlf, 0) ? new byte[0] : null;
        }
        byte[] b = new byte[(int) want];
        f.read(b, 0, b.length);
        if (!newline(b, b.length - 2)) return null;
        return java.util.Arrays.copyOf(b, b.length - 2);
    }

    /** A "#..." line: only timestamps matter, and only with --truncate-to-timestamp. */
    private boolean annotation(ToolFile f, String path, boolean last) throws IOException, Exit {
        long at = f.position();
        byte[] l = f.fgets(1024);
        if (l == null) {
            out.print("Failed to read annotations from AOF " + path + ", aborting...\n");
            throw new Exit(1);
        }
        String s = new String(l, StandardCharsets.ISO_8859_1);
        if (toTimestamp == 0 || !s.startsWith("#TS:")) return true;
        Matcher m = Pattern.compile("^([ \\t]*[+-]?\\d+)(.*)$", Pattern.DOTALL).matcher(s.substring(4));
        long ts;
        if (!m.matches() || !m.group(2).startsWith("\r")) {
            out.print("Invalid timestamp annotation\n");
            throw new Exit(1);
        }
        try {
            ts = Long.parseLong(m.group(1).strip().replace("+", ""));
        } catch (NumberFormatException e) {
            out.print("Invalid timestamp annotation\n");
            throw new Exit(1);
        }
        if (ts <= toTimestamp) return true;
        if (at == 0) {
            out.print("AOF " + path + " has nothing before timestamp " + toTimestamp + ", aborting...\n");
            throw new Exit(1);
        }
        if (!last) {
            out.print("Failed to truncate AOF " + path + " to timestamp " + toTimestamp + " to offset " + at
                    + " because it is not the last file.\n");
            out.print("If you insist, please delete all files after this file according to the manifest "
                    + "file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.\n");
            throw new Exit(1);
        }
        try {
            f.truncate(at);
        } catch (IOException e) {
            out.print("Failed to truncate AOF " + path + " to timestamp " + toTimestamp + "\n");
            throw new Exit(1);
        }
        return false;
    }
}
