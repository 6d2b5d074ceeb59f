package io.vermilion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stdin/stdout are terminals, without loading a terminal library: one-shot commands must
 * start fast and only need to know whether to print raw output.
 *
 * <p>On Linux {@code /proc/self/fd/N} links to the device ({@code /dev/pts/3}) for a terminal and
 * to {@code pipe:[...]}, a socket or a file otherwise. Elsewhere we fall back to
 * {@link System#console()}, which is non-null only when both stdin and stdout are terminals.
 */
public final class Tty {
    private Tty() {}

    public static boolean stdinIsTty() {
        return isTty(0);
    }

    /**
     * True if stdout is a terminal, or if the {@code FAKETTY} environment variable is set (the same
     * switch redis-cli has, used by tests to get terminal formatting through a pipe).
     */
    public static boolean stdoutIsTty() {
        return System.getenv("FAKETTY") != null || isTty(1);
    }

    private static boolean isTty(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
