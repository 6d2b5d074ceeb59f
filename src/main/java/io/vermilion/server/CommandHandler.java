package io.vermilion.server;

/** Runs one command on the node's command thread, writing its reply through the client. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Client c, byte[][] argv);
}
