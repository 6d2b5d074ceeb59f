package io.vermilion.cli.cluster;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Questions asked on stdin, as redis-cli asks them: {@code (type 'yes' to accept): } and the
 * reshard questions. Lines are read byte by byte without buffering, so several answers piped in
 * one go are taken one per question.
 */
final class Prompt {
    private static InputStream in = new FileInputStream(FileDescriptor.in);

    private Prompt() {}

    /** For tests: answers come from here. */
    static void input(InputStream s) {
        in = s;
    }

    /** One line without its newline; null at end of input. */
    static String readLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            int c;
            while ((c = in.read()) != -1 && c != '\n') b.write(c);
            if (c == -1 && b.size() == 0) return null;
        } catch (IOException e) {
            return null;
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /**
     * redis-cli's confirmWithYes: skipped (true) with --cluster-yes unless {@code ignoreForce};
     * otherwise true only if the answer starts with "yes".
     */
    static boolean confirm(ManagerLog log, ManagerOptions opts, String msg, boolean ignoreForce) {
        if (!ignoreForce && opts.yes) return true;
        log.print(msg + " (type 'yes' to accept): ");
        String line = readLine();
        if (line == null) return false;
        return line.startsWith("yes");
    }
}
