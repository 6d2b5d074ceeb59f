package io.vermilion.cli;

import io.vermilion.client.Reply;
import java.io.IOException;
import java.util.List;

/** Sends every command to the one node the session is connected to; redirections are shown as errors. */
public final class DirectRouter implements CommandRouter {
    @Override
    public Reply execute(Session session, List<byte[]> argv) throws IOException {
        return session.connection().call(argv);
    }
}
