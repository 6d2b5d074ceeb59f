package io.vermilion.cli.cluster;

/** A node address, "host:port". */
public record HostPort(String host, int port) {
    public static HostPort parse(String s) {
        int i = s.lastIndexOf(':');
        if (i <= 0 || i == s.length() - 1) throw new IllegalArgumentException("Invalid address format: " + s);
        return new HostPort(s.substring(0, i), Integer.parseInt(s.substring(i + 1)));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
