package io.vermilion.server;

/**
 * The permission checks other families call (implemented by {@code io.vermilion.acl.Acl}; see
 * docs/security.md). {@link Server#dispatch} calls {@link #check} for every request after the
 * authentication check, and also when a command is queued in MULTI; EXEC calls
 * {@link #checkQueued} again for each queued command. All methods run on the command thread.
 */
public interface AccessControl {
    /**
     * Whether the client's user may run this request (its subcommand resolved in {@code spec}):
     * null if so, otherwise Redis's error text ("NOPERM this user has no permissions to run the
     * 'get' command", "... to access one of the keys used as arguments", "... one of the
     * channels used as arguments"). A denial is recorded in ACL LOG (context toplevel, or multi
     * inside MULTI).
     */
    String check(Client c, CommandSpec spec, byte[][] argv);

    /**
     * EXEC's check of a queued command (rules may have changed since it was queued): null or
     * "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC
     * call. ..." as Redis.
     */
    String checkQueued(Client c, CommandSpec spec, byte[][] argv);

    /**
     * For redis.call/pcall from a script run by {@code caller}: null or Redis's script error
     * ("The user executing the script can't run this command or subcommand", "... can't access
     * at least one of the keys mentioned in the command arguments", "... can't publish to the
     * channel mentioned in the command"), recorded in ACL LOG with context lua.
     */
    String checkScript(Client caller, CommandSpec spec, byte[][] argv);

    /**
     * Whether the client's user may use a Pub/Sub channel ({@code pattern} = a PSUBSCRIBE
     * pattern, which must equal one of the user's &amp;patterns literally). SUBSCRIBE and PUBLISH
     * requests are already checked by {@link #check}; this is for other callers.
     */
    boolean channelAllowed(Client c, byte[] channel, boolean pattern);

    /**
     * Whether the client's user may read (and, with {@code write}, write) every key of the
     * command (Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess): SORT BY/GET patterns use it.
     */
    boolean fullKeyAccess(Client c, CommandSpec spec, byte[][] argv, boolean write);

    /**
     * Protected mode, checked when a connection is accepted: the error line (without CRLF) to
     * send before closing it, or null to accept it.
     */
    String refuseConnection(java.net.SocketAddress remote);
}
