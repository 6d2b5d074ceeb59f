package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.MAY_REPLICATE;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.PUBSUB;
import static io.vermilion.server.CommandSpec.Flag.SENTINEL;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.pubsub.PubSub;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pub/Sub: SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded SSUBSCRIBE,
 * SUNSUBSCRIBE, SPUBLISH, and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP, as in
 * Redis 7.0's pubsub.c. The state and delivery are {@link PubSub}'s (docs/pubsub.md); the
 * subscribed-context rule of RESP2 connections is in the dispatcher.
 *
 * <p>The confirmations ((p|s)subscribe / (p|s)unsubscribe frames) are push frames in RESP3 and
 * arrays in RESP2, written like messages (they ignore CLIENT REPLY OFF, as Redis's
 * CLIENT_PUSHING does). The shard commands' channels are keys in their key specs (NOT_KEY), so
 * the cluster router redirects them with -MOVED / -CROSSSLOT like key commands.
 */
public final class PubSubCommands {
    private PubSubCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("subscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL)
                .doc("pubsub", "2.0.0", "Listen for messages published to the given channels",
                        "O(N) where N is the number of channels to subscribe to.")
                .handler(PubSubCommands::subscribe));
        t.add(cmd("unsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL)
                .doc("pubsub", "2.0.0", "Stop listening for messages posted to the given channels",
                        "O(N) where N is the number of clients already subscribed to a channel.")
                .handler(PubSubCommands::unsubscribe));
        t.add(cmd("psubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL)
                .doc("pubsub", "2.0.0", "Listen for messages published to channels matching the given patterns",
                        "O(N) where N is the number of patterns the client is already subscribed to.")
                .handler(PubSubCommands::psubscribe));
        t.add(cmd("punsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL)
                .doc("pubsub", "2.0.0", "Stop listening for messages posted to channels matching the given patterns",
                        "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).")
                .handler(PubSubCommands::punsubscribe));
        t.add(cmd("publish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE, SENTINEL)
                .doc("pubsub", "2.0.0", "Post a message to a channel",
                        "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).")
                .handler(PubSubCommands::publish));
        t.add(cmd("ssubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
                .key(KeySpec.flags("NOT_KEY").index(1).range(-1, 1, 0))
                .doc("pubsub", "7.0.0", "Listen for messages published to the given shard channels",
                        "O(N) where N is the number of shard channels to subscribe to.")
                .handler(PubSubCommands::ssubscribe));
        t.add(cmd("sunsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
                .key(KeySpec.flags("NOT_KEY").index(1).range(-1, 1, 0))
                .doc("pubsub", "7.0.0", "Stop listening for messages posted to the given shard channels",
                        "O(N) where N is the number of clients already subscribed to a shard channel.")
                .handler(PubSubCommands::sunsubscribe));
        t.add(cmd("spublish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE)
                .key(KeySpec.flags("NOT_KEY").index(1).range(0, 1, 0))
                .doc("pubsub", "7.0.0", "Post a message to a shard channel",
                        "O(N) where N is the number of clients subscribed to the receiving shard channel.")
                .handler(PubSubCommands::spublish));
        t.add(cmd("pubsub", -2)
                .doc("pubsub", "2.8.0", "A container for Pub/Sub commands", "Depends on subcommand.")
                .sub(cmd("channels", -2).flags(PUBSUB, LOADING, STALE)
                        .doc("pubsub", "2.8.0", "List active channels",
                                "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)")
                        .handler((c, argv) -> channels(c, argv, false)))
                .sub(cmd("help", 2).flags(LOADING, STALE)
                        .doc("pubsub", "6.2.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(PubSubCommands::help))
                .sub(cmd("numpat", 2).flags(PUBSUB, LOADING, STALE)
                        .doc("pubsub", "2.8.0", "Get the count of unique patterns pattern subscriptions", "O(1)")
                        .handler((c, argv) -> c.reply().integer(ps(c).patternCount())))
                .sub(cmd("numsub", -2).flags(PUBSUB, LOADING, STALE)
                        .doc("pubsub", "2.8.0", "Get the count of subscribers for channels",
                                "O(N) for the NUMSUB subcommand, where N is the number of requested channels")
                        .handler((c, argv) -> numsub(c, argv, false)))
                .sub(cmd("shardchannels", -2).flags(PUBSUB, LOADING, STALE)
                        .doc("pubsub", "7.0.0", "List active shard channels",
                                "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).")
                        .handler((c, argv) -> channels(c, argv, true)))
                .sub(cmd("shardnumsub", -2).flags(PUBSUB, LOADING, STALE)
                        .doc("pubsub", "7.0.0", "Get the count of subscribers for shard channels",
                                "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels")
                        .handler((c, argv) -> numsub(c, argv, true))));
    }

    static PubSub ps(Client c) {
        return c.server().part(PubSub.class);
    }

    // ------------------------------------------------------------------ confirmations

    private static final byte[] SUBSCRIBE = ascii("subscribe");
    private static final byte[] UNSUBSCRIBE = ascii("unsubscribe");
    private static final byte[] PSUBSCRIBE = ascii("psubscribe");
    private static final byte[] PUNSUBSCRIBE = ascii("punsubscribe");
    private static final byte[] SSUBSCRIBE = ascii("ssubscribe");
    private static final byte[] SUNSUBSCRIBE = ascii("sunsubscribe");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A (p|s)(un)subscribe frame: kind, channel (null: a RESP null), count. */
    private static void confirm(Client c, byte[] kind, byte[] channel, int count) {
        boolean v3 = c.proto() >= 3;
        ByteArrayOutputStream b = new ByteArrayOutputStream(32 + (channel == null ? 0 : channel.length));
        b.writeBytes(ascii(v3 ? ">3\r\n" : "*3\r\n"));
        b.writeBytes(ascii("$" + kind.length + "\r\n"));
        b.writeBytes(kind);
        b.writeBytes(ascii("\r\n"));
        if (channel == null) {
            b.writeBytes(ascii(v3 ? "_\r\n" : "$-1\r\n"));
        } else {
            b.writeBytes(ascii("$" + channel.length + "\r\n"));
            b.writeBytes(channel);
            b.writeBytes(ascii("\r\n"));
        }
        b.writeBytes(ascii(":" + count + "\r\n"));
        byte[] frame = b.toByteArray();
        if (c.pushBuffer() != null) ps(c).deliver(c, frame);
        else c.reply().raw(frame); // internal clients
    }

    /** Redis's CLIENT_DENY_BLOCKING: inside EXEC, or an internal client. */
    private static boolean denyBlocking(Client c) {
        return !c.server().blocking().mayBlock(c);
    }

    private static boolean inMulti(Client c) {
        return c.txOrNull() != null && c.txOrNull().active();
    }

    // ------------------------------------------------------------------ commands

    static void subscribe(Client c, byte[][] argv) {
        if (denyBlocking(c) && !inMulti(c)) {
            Args.error(c, "ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        PubSub ps = ps(c);
        for (int j = 1; j < argv.length; j++) {
            ps.subscribe(c, argv[j], false);
            confirm(c, SUBSCRIBE, argv[j], ps.clientCount(c));
        }
        c.pubsub(true);
    }

    static void psubscribe(Client c, byte[][] argv) {
        if (denyBlocking(c) && !inMulti(c)) {
            Args.error(c, "ERR PSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        PubSub ps = ps(c);
        for (int j = 1; j < argv.length; j++) {
            ps.psubscribe(c, argv[j]);
            confirm(c, PSUBSCRIBE, argv[j], ps.clientCount(c));
        }
        c.pubsub(true);
    }

    static void ssubscribe(Client c, byte[][] argv) {
        if (denyBlocking(c)) {
            Args.error(c, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        PubSub ps = ps(c);
        for (int j = 1; j < argv.length; j++) {
            ps.subscribe(c, argv[j], true);
            confirm(c, SSUBSCRIBE, argv[j], ps.clientShardCount(c));
        }
        c.pubsub(true);
    }

    static void unsubscribe(Client c, byte[][] argv) {
        PubSub ps = ps(c);
        List<byte[]> names = argv.length == 1 ? ps.clientChannels(c, 0) : List.of(argv).subList(1, argv.length);
        if (names.isEmpty()) confirm(c, UNSUBSCRIBE, null, ps.clientCount(c));
        for (byte[] ch : names) {
            ps.unsubscribe(c, ch, false);
            confirm(c, UNSUBSCRIBE, ch, ps.clientCount(c));
        }
        settle(c, ps);
    }

    static void punsubscribe(Client c, byte[][] argv) {
        PubSub ps = ps(c);
        List<byte[]> names = argv.length == 1 ? ps.clientChannels(c, 1) : List.of(argv).subList(1, argv.length);
        if (names.isEmpty()) confirm(c, PUNSUBSCRIBE, null, ps.clientCount(c));
        for (byte[] p : names) {
            ps.punsubscribe(c, p);
            confirm(c, PUNSUBSCRIBE, p, ps.clientCount(c));
        }
        settle(c, ps);
    }

    static void sunsubscribe(Client c, byte[][] argv) {
        PubSub ps = ps(c);
        List<byte[]> names = argv.length == 1 ? ps.clientChannels(c, 2) : List.of(argv).subList(1, argv.length);
        if (names.isEmpty()) confirm(c, SUNSUBSCRIBE, null, ps.clientShardCount(c));
        for (byte[] ch : names) {
            ps.unsubscribe(c, ch, true);
            confirm(c, SUNSUBSCRIBE, ch, ps.clientShardCount(c));
        }
        settle(c, ps);
    }

    /** Leaves pub/sub mode once nothing is subscribed any more. */
    private static void settle(Client c, PubSub ps) {
        if (ps.clientCount(c) + ps.clientShardCount(c) == 0) c.pubsub(false);
    }

    static void publish(Client c, byte[][] argv) {
        c.reply().integer(ps(c).publish(argv[1], argv[2], false));
        // Outside cluster mode Redis propagates PUBLISH to replicas only, not to the AOF
        // (forceCommandPropagation(PROPAGATE_REPL)); in cluster mode the bus carries it to every
        // node. Inside MULTI/EXEC or a script it is not propagated (docs/pubsub.md).
        Server s = c.server();
        if (!s.clusterEnabled() && !s.inPropagationGroup() && s.replication() instanceof io.vermilion.replication.Replication r) {
            r.propagate(c.dbIndex(), argv);
        }
    }

    static void spublish(Client c, byte[][] argv) {
        c.reply().integer(ps(c).publish(argv[1], argv[2], true));
    }

    static void channels(Client c, byte[][] argv, boolean shard) {
        if (argv.length > 3) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        List<byte[]> names = ps(c).channelNames(argv.length == 3 ? argv[2] : null, shard);
        c.reply().array(names.size());
        for (byte[] n : names) c.reply().bulk(n);
    }

    static void numsub(Client c, byte[][] argv, boolean shard) {
        PubSub ps = ps(c);
        c.reply().array((argv.length - 2) * 2L);
        for (int j = 2; j < argv.length; j++) {
            c.reply().bulk(argv[j]);
            c.reply().integer(shard ? ps.shardSubscribers(argv[j]) : ps.subscribers(argv[j]));
        }
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)");
    }
}
