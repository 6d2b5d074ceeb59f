package io.vermilion.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses {@code -u redis://[[user]:password@]host[:port][/db]} into a {@link ConnInfo}, with
 * redis-cli's leniency: every part is optional, user and password are percent-decoded, a missing
 * port keeps the current one, and numbers are read like C's {@code atoi} (leading digits, else 0).
 */
public final class RedisUri {
    private RedisUri() {}

    /** Thrown for URIs redis-cli refuses; the message is what it prints before exiting with 1. */
    public static final class InvalidUriException extends IllegalArgumentException {
        public InvalidUriException(String message) {
            super(message);
        }
    }

    public static void parse(String uri, ConnInfo into) {
        String lower = uri.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith("rediss://")) {
            throw new InvalidUriException("rediss:// is not supported: vermilion-cli has no TLS support");
        } else if (lower.startsWith("redis://")) {
            rest = uri.substring("redis://".length());
        } else {
            throw new InvalidUriException("Invalid URI scheme");
        }
        if (rest.isEmpty()) return;

        int at = rest.indexOf('@');
        if (at >= 0) {
            int colon = rest.indexOf(':');
            String pass = rest.substring(0, at);
            if (colon >= 0 && colon < at) {
                into.user = percentDecode(rest.substring(0, colon));
                pass = rest.substring(colon + 1, at);
            }
            into.auth = percentDecode(pass);
            rest = rest.substring(at + 1);
        }
        if (rest.isEmpty()) return;

        int slash = rest.indexOf('/');
        if (!rest.startsWith("/")) {
            String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
            int colon = rest.indexOf(':');
            String host = hostPort;
            if (colon >= 0) {
                into.port = atoi(rest.substring(colon + 1));
                host = rest.substring(0, colon);
            }
            into.host = host;
        }
        if (slash < 0 || slash + 1 >= rest.length()) return;
        into.inputDb = atoi(rest.substring(slash + 1));
    }

    static byte[] percentDecode(String s) {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                if (in.length - i < 3) throw new InvalidUriException("Incomplete URI encoding");
                int h = hex(in[i + 1]);
                int l = hex(in[i + 2]);
                if (h < 0 || l < 0) throw new InvalidUriException("Illegal character in URI encoding");
                out.write(h * 16 + l);
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        int c = Character.toLowerCase((char) (b & 0xff));
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

    /** C's atoi: optional blanks and sign, then leading digits; anything else gives 0. */
    public static int atoi(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < 1L << 32) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return (int) (neg ? -v : v);
    }
}
