package io.vermilion.cli;

import io.vermilion.client.Reply;
import java.io.IOException;
import java.util.List;

/**
 * Sends one command for the CLI and returns the reply the user should see.
 *
 * <p>{@link DirectRouter} is the plain single-node behaviour. With {@code -c},
 * {@link ClusterRouter} sends the command on the session's current connection and, on
 * {@code -MOVED} or {@code -ASK}, points the session at the node named in the error
 * ({@link Session#redirect}), reconnects, sends {@code ASKING} for ASK, and retries, so that the
 * prompt follows the node that answered.
 */
public interface CommandRouter {
    /**
     * Executes {@code argv} on {@code session}'s connection (which the caller has made sure is
     * open) and returns the final reply.
     *
     * @throws IOException if the connection fails; the caller reports it and drops the connection
     */
    Reply execute(Session session, List<byte[]> argv) throws IOException;
}
