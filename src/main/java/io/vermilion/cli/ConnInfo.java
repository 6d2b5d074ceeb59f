package io.vermilion.cli;

/**
 * Where and as whom to connect: filled from {@code -h -p -s -a --user -n -u} in command-line
 * order (a later option overrides an earlier one, as in redis-cli), then changed at run time by
 * {@code connect host port} or, in cluster mode, by redirections.
 */
public final class ConnInfo {
    public String host = "127.0.0.1";
    public int port = 6379;
    /** Unix socket path, or null for TCP. */
    public String socket;
    /** ACL user name for {@code AUTH user pass}, or null for the legacy {@code AUTH pass}. */
    public byte[] user;
    /** Password, or null for no AUTH at connect. */
    public byte[] auth;
    /** The database to SELECT after connecting. */
    public int inputDb;
}
