package io.vermilion.cluster.runtime;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * IP address text as the cluster uses it: only literals are accepted (never a DNS lookup, which
 * would block the event loop and let gossip steer our connections), and addresses are printed
 * the way inet_ntop prints them (IPv6 in its shortest form), so that the strings we compare and
 * show match what real Redis nodes use.
 */
final class Ips {
    private Ips() {}

    /** Parses an IPv4 dotted quad (inet_pton rules: 4 parts, no leading zeros) or an IPv6 literal. */
    static InetAddress parse(String s) {
        if (s == null || s.isEmpty()) return null;
        if (s.indexOf(':') < 0) return parse4(s);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) return null;
        }
        try {
            // With only hex digits, ':' and '.', the JDK treats the text as a literal: no lookup.
            InetAddress a = InetAddress.getByName(s);
            return a;
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private static InetAddress parse4(String s) {
        byte[] b = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            int start = i;
            int v = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v * 10 + (s.charAt(i) - '0');
                if (v > 255) return null;
                i++;
            }
            int len = i - start;
            if (len == 0 || (len > 1 && s.charAt(start) == '0')) return null;
            b[part++] = (byte) v;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') return null;
                i++;
            }
        }
        if (i != n) return null;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** inet_ntop text of an address. */
    static String format(InetAddress a) {
        if (a instanceof Inet4Address) return a.getHostAddress();
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            // An IPv4-mapped address prints as ::ffff:a.b.c.d, as inet_ntop does.
            boolean mapped = true;
            for (int i = 0; i < 10; i++) if (b[i] != 0) mapped = false;
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
            }
            int[] w = new int[8];
            for (int i = 0; i < 8; i++) w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
            // Longest run of two or more zero words becomes "::" (the first one on ties).
            int bestStart = -1, bestLen = 0;
            for (int i = 0; i < 8; ) {
                if (w[i] != 0) { i++; continue; }
                int j = i;
                while (j < 8 && w[j] == 0) j++;
                if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
                i = j;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                if (i == bestStart) {
                    sb.append("::");
                    i += bestLen - 1;
                    continue;
                }
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
                sb.append(Integer.toHexString(w[i]));
            }
            return sb.toString();
        }
        return a.getHostAddress();
    }

    /** The IP of one end of a socket, or null when unknown. */
    static String of(SocketAddress sa) {
        if (sa instanceof InetSocketAddress isa && isa.getAddress() != null) return format(isa.getAddress());
        return null;
    }

    /** Normalised text of a literal, or null if it is not one. */
    static String normalize(String s) {
        InetAddress a = parse(s);
        if (a == null) return null;
        // The JDK turns an IPv4-mapped IPv6 literal into an IPv4 address; inet_ntop keeps the prefix.
        if (a instanceof Inet4Address && s.indexOf(':') >= 0) return "::ffff:" + a.getHostAddress();
        return format(a);
    }
}
