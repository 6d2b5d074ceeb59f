package io.vermilion.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Where the CLI writes. Replies go to stdout as bytes (values are binary: a {@code PrintStream}
 * with a charset would mangle them); messages go to stderr as text.
 */
public final class CliOutput {
    private final OutputStream out;
    private final PrintStream err;

    public CliOutput(OutputStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** stdout/stderr of the process, bypassing {@code System.out}'s encoder. */
    public static CliOutput system() {
        return new CliOutput(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    }

    public void write(byte[] b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes text (UTF-8) to stdout. */
    public void print(String s) {
        write(s.getBytes(StandardCharsets.UTF_8));
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A line on stderr. stdout is flushed first so that the two appear in order on a terminal. */
    public void error(String line) {
        flush();
        err.print(line + "\n");
        err.flush();
    }

    public PrintStream err() {
        return err;
    }
}
