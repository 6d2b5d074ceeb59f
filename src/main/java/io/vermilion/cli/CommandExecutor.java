package io.vermilion.cli;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Runs commands for both the one-shot and the interactive mode, the way redis-cli does: reconnect
 * when needed, send (with {@code -r} repetitions and {@code -i} pauses), print each reply in the
 * configured format, and keep the session (database, MULTI) in step with what was executed.
 *
 * <p>MONITOR and (P|S)SUBSCRIBE switch to streaming: every following message is printed until the
 * connection ends or the process is interrupted.
 */
public final class CommandExecutor {
    /** Outcome of one command line, as redis-cli's REDIS_OK / REDIS_ERR. */
    public static final int OK = 0;
    public static final int ERR = 1;

    private final Session session;
    private final CommandRouter router;
    private final ReplyFormatter formatter;
    private final Supplier<HelpTable> help;
    private final String version;
    private volatile boolean streaming;
    private volatile boolean aborted;

    public CommandExecutor(Session session, CommandRouter router, ReplyFormatter formatter,
                           Supplier<HelpTable> help, String version) {
        this.session = session;
        this.router = router;
        this.formatter = formatter;
        this.help = help;
        this.version = version;
    }

    /** True while MONITOR or a subscription is streaming (Ctrl-C then aborts the stream only). */
    public boolean streaming() {
        return streaming;
    }

    /**
     * Ctrl-C during MONITOR/SUBSCRIBE: closes the connection under the blocked read, which makes
     * the stream end quietly and the session reconnect, back at the prompt (as redis-cli).
     */
    public void abortStreaming() {
        aborted = true;
        RespConnection c = session.connection();
        if (c != null) c.close();
    }

    /** Runs {@code argv} {@code repeat} times (negative: forever). Returns {@link #OK} or {@link #ERR}. */
    public int issue(List<byte[]> argv, long repeat) {
        String cmd = lower(argv.get(0));
        if (cmd.equals("help") || cmd.equals("?")) {
            List<String> topics = argv.subList(1, argv.size()).stream()
                    .map(a -> new String(a, StandardCharsets.UTF_8)).toList();
            session.output().print(help.get().help(topics, version));
            session.output().flush();
            return OK;
        }
        if (!session.isConnected()) {
            if (!session.connect(true, false)) return ERR;
        }
        if (send(argv, repeat) != OK) {
            session.disconnect();
            return ERR;
        }
        return OK;
    }

    private int send(List<byte[]> argv, long repeat) {
        CliConfig cfg = session.config();
        String cmd = lower(argv.get(0));
        int argc = argv.size();
        boolean rawStrings = printsRaw(argv);
        boolean shutdown = cmd.equals("shutdown");
        boolean monitor = cmd.equals("monitor");
        boolean pubsub = cmd.equals("subscribe") || cmd.equals("psubscribe") || cmd.equals("ssubscribe");

        while (repeat < 0 || repeat-- > 0) {
            RespConnection conn = session.connection();
            if (monitor || pubsub) return stream(conn, argv, pubsub, rawStrings);

            Reply reply;
            try {
                reply = router.execute(session, argv);
            } catch (IOException e) {
                if (e instanceof ClusterRouter.RedirectFailed) {
                    // "Could not connect to ..." is already printed; the session is not connected.
                    if (!session.interactive()) throw new CliExit(1);
                    return ERR;
                }
                if (shutdown) {
                    // The server went away as asked: nothing to print, and not an error.
                    session.disconnect();
                    return OK;
                }
                return ioFailure(e);
            }
            if (reply.unwrap() instanceof Reply.Error err && cfg.exitOnError && !session.interactive()) {
                session.output().error(err.text());
                throw new CliExit(1);
            }
            print(reply, rawStrings);
            afterReply(cmd, argc, argv, reply);
            if (cfg.intervalMicros > 0) sleepMicros(cfg.intervalMicros);
        }
        return OK;
    }

    /** MONITOR / SUBSCRIBE: print every message as it arrives, until the connection ends. */
    private int stream(RespConnection conn, List<byte[]> argv, boolean pubsub, boolean rawStrings) {
        CliConfig cfg = session.config();
        streaming = true;
        var savedHandler = conn.pushHandler();
        try {
            conn.send(argv);
            if (pubsub) {
                if (cfg.output != OutputMode.RAW) {
                    session.output().print("Reading messages... (press Ctrl-C to quit)\n");
                    session.output().flush();
                }
                // In RESP3 the messages are pushes: they must come back from read(), not go to the handler.
                conn.setPushHandler(null);
            }
            while (true) {
                Reply r = conn.read();
                print(r, rawStrings);
                // An error (e.g. MONITOR refused) ends the stream like redis-cli.
                if (r.unwrap() instanceof Reply.Error) {
                    conn.setPushHandler(savedHandler);
                    return OK;
                }
            }
        } catch (IOException e) {
            if (aborted) {
                aborted = false;
                return session.connect(true, false) ? OK : ERR;
            }
            return ioFailure(e);
        } finally {
            streaming = false;
        }
    }

    /**
     * A dead or broken connection. One-shot: print the error and exit 1. Interactive: report it and
     * let the next command reconnect.
     */
    private int ioFailure(IOException e) {
        session.output().error("Error: " + Session.describe(e));
        if (!session.interactive()) throw new CliExit(1);
        return ERR;
    }

    private void print(Reply reply, boolean rawStrings) {
        session.output().write(formatter.format(reply, session.config().output, rawStrings));
        session.output().flush();
    }

    /** Keeps database number, MULTI state and protocol in step with what the user ran. */
    private void afterReply(String cmd, int argc, List<byte[]> argv, Reply reply) {
        Reply r = reply.unwrap();
        boolean error = r instanceof Reply.Error;
        switch (cmd) {
            case "select" -> {
                if (argc == 2 && !error) session.selected(RedisUri.atoi(new String(argv.get(1), StandardCharsets.ISO_8859_1)));
            }
            case "auth" -> {
                if (argc == 2 || argc == 3) session.selectInputDb();
            }
            case "multi" -> {
                if (argc == 1 && !error) session.multiStarted();
            }
            case "exec" -> {
                if (argc == 1 && session.inMulti()) session.execDone(error || r.isNull());
            }
            case "discard" -> {
                if (argc == 1 && !error) session.discarded();
            }
            case "reset" -> {
                if (argc == 1 && !error) session.resetDone();
            }
            case "hello" -> {
                // Keep the connection's notion of the protocol right for later reconnects' sake.
                if (argc >= 2 && !error && session.connection() != null) {
                    int proto = RedisUri.atoi(new String(argv.get(1), StandardCharsets.ISO_8859_1));
                    if (proto == 2 || proto == 3) session.connection().protocol(proto);
                }
            }
            default -> { }
        }
    }

    /**
     * Commands whose reply redis-cli prints verbatim even on a terminal: their text is meant to be
     * read as is (INFO, CLIENT LIST, CLUSTER NODES, ...).
     */
    static boolean printsRaw(List<byte[]> argv) {
        int argc = argv.size();
        String c = lower(argv.get(0));
        String a1 = argc >= 2 ? lower(argv.get(1)) : "";
        return c.equals("info")
                || c.equals("lolwut")
                || (argc >= 2 && c.equals("debug") && (a1.equals("htstats") || a1.equals("htstats-key") || a1.equals("client-eviction")))
                || (argc >= 2 && c.equals("memory") && (a1.equals("malloc-stats") || a1.equals("doctor")))
                || (argc == 2 && c.equals("cluster") && (a1.equals("nodes") || a1.equals("info")))
                || (argc >= 2 && c.equals("client") && (a1.equals("list") || a1.equals("info")))
                || (argc == 3 && c.equals("latency") && a1.equals("graph"))
                || (argc == 2 && c.equals("latency") && a1.equals("doctor"))
                || (argc >= 2 && c.equals("proxy") && a1.equals("info"));
    }

    static String lower(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    private static void sleepMicros(long micros) {
        try {
            Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
