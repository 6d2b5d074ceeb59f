package io.vermilion.it.diff;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One line of a diff script.
 *
 * @param file    script file name, e.g. {@code strings.txt}
 * @param line    1-based line number in that file
 * @param text    the line as written (for messages and test names)
 * @param kind    what the line does
 * @param marker  comparison rule (EXACT unless a {@code ~marker} prefix was given)
 * @param args    command arguments for {@link Kind#COMMAND}, sent as a RESP array of bulk strings
 * @param payload the bytes sent verbatim for {@link Kind#INLINE} and {@link Kind#RAW}
 * @param sleepMs delay for {@link Kind#SLEEP}
 * @param error   for {@link Kind#INVALID}: why the line could not be parsed
 * @param conn    which of the file's connections the line uses: 1 (default) or {@code @N} (2..9)
 */
public record DiffCase(String file, int line, String text, Kind kind, Marker marker, List<byte[]> args,
                       byte[] payload, long sleepMs, String error, int conn) {

    public DiffCase(String file, int line, String text, Kind kind, Marker marker, List<byte[]> args,
                    byte[] payload, long sleepMs, String error) {
        this(file, line, text, kind, marker, args, payload, sleepMs, error, 1);
    }

    /** The same case on connection {@code n}. */
    public DiffCase on(int n) {
        return new DiffCase(file, line, text, kind, marker, args, payload, sleepMs, error, n);
    }

    public enum Kind {
        /** A command sent as a RESP multibulk, like redis-cli does. */
        COMMAND,
        /** {@code !inline text}: the text plus CRLF, parsed by the server as an inline command. */
        INLINE,
        /** {@code !raw "bytes"}: arbitrary bytes, for protocol error cases. */
        RAW,
        /** {@code !next}: send nothing, read the next frame (a pushed Pub/Sub message). */
        NEXT,
        /** {@code ~sleep N}: wait N ms (both servers see the same wall clock). */
        SLEEP,
        /** A line the parser rejected; it becomes a failing test so the script gets fixed. */
        INVALID
    }

    public String where() {
        return file + ":" + line;
    }

    /** The exact bytes to write to each server (empty for SLEEP/INVALID). */
    public byte[] wireBytes() {
        switch (kind) {
            case COMMAND -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                writeAscii(b, "*" + args.size() + "\r\n");
                for (byte[] a : args) {
                    writeAscii(b, "$" + a.length + "\r\n");
                    b.write(a, 0, a.length);
                    writeAscii(b, "\r\n");
                }
                return b.toByteArray();
            }
            case INLINE, RAW -> {
                return payload.clone();
            }
            default -> {
                return new byte[0];
            }
        }
    }

    private static void writeAscii(ByteArrayOutputStream b, String s) {
        byte[] x = s.getBytes(StandardCharsets.US_ASCII);
        b.write(x, 0, x.length);
    }
}
