package io.vermilion.cli;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.util.HashSlot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code -c}: cluster mode, as redis-cli 7.0 does it. A {@code -MOVED slot host:port} or
 * {@code -ASK slot host:port} reply is not shown: the session moves to that node (the prompt
 * follows), {@code ASKING} is sent first for ASK, and the command is sent again. In interactive
 * mode each hop prints {@code -> Redirected to slot [12539] located at 127.0.0.1:7003}.
 *
 * <p>We also keep the slot map that MOVED replies teach us. Once a slot's owner is known, a
 * command whose first key hashes to it goes straight to that node; the same redirect line is
 * printed, since the user sees the same hop redis-cli would have taken through a MOVED, one
 * round trip earlier. Key positions come from the server's COMMAND INFO, asked once per command
 * name and only after the first redirection (so plain use costs nothing). Inside MULTI nothing
 * is re-routed ahead of the server.
 */
public final class ClusterRouter implements CommandRouter {
    /** Redirections followed for one command before giving up (redis-cli loops for ever). */
    static final int MAX_REDIRECTS = 16;

    private final SlotMap slots = new SlotMap();
    /** Command name -> {first, last, step} key positions ({0,0,0}: none known, or movable keys). */
    private final Map<String, int[]> keySpecs = new HashMap<>();

    /** A redirection target that could not be reached; the error has been printed already. */
    public static final class RedirectFailed extends IOException {
        public RedirectFailed(String message) {
            super(message);
        }
    }

    public SlotMap slotMap() {
        return slots;
    }

    @Override
    public Reply execute(Session session, List<byte[]> argv) throws IOException {
        boolean asking = false;
        routeAhead(session, argv);
        for (int hops = 0; ; hops++) {
            RespConnection conn = session.connection();
            if (asking) {
                conn.call("ASKING");
                asking = false;
            }
            Reply reply = conn.call(argv);
            if (!(reply.unwrap() instanceof Reply.Error err) || hops >= MAX_REDIRECTS) return reply;
            Redirect r = Redirect.parse(err.text(), session.info().host);
            if (r == null) return reply;
            if (!r.ask) slots.put(r.slot, r.host, r.port);
            hop(session, r.slot, r.host, r.port);
            asking = r.ask;
        }
    }

    /** Moves the session to host:port, printing the redirect line in interactive mode. */
    private static void hop(Session session, int slot, String host, int port) throws IOException {
        if (session.interactive()) {
            session.output().print("-> Redirected to slot [" + slot + "] located at " + host + ":" + port + "\n");
            session.output().flush();
        }
        session.redirect(host, port);
        if (!session.connect(true, false)) throw new RedirectFailed("Could not connect to Redis at " + host + ":" + port);
    }

    /**
     * Sends the command to the known owner of its keys' slot, if that is another node. Commands
     * whose keys are in different slots are left alone: the server answers CROSSSLOT without
     * redirecting, and so must we.
     */
    private void routeAhead(Session session, List<byte[]> argv) throws IOException {
        if (slots.isEmpty() || session.inMulti() || argv.isEmpty()) return;
        int[] spec = keySpec(session, argv);
        int first = spec[0], last = spec[1] < 0 ? argv.size() + spec[1] : spec[1], step = Math.max(1, spec[2]);
        if (first <= 0 || first >= argv.size()) return;
        int slot = HashSlot.of(argv.get(first));
        for (int i = first + step; i <= last && i < argv.size(); i += step) {
            if (HashSlot.of(argv.get(i)) != slot) return;
        }
        SlotMap.Owner owner = slots.get(slot);
        if (owner == null) return;
        ConnInfo info = session.info();
        if (owner.host().equals(info.host) && owner.port() == info.port) return;
        hop(session, slot, owner.host(), owner.port());
    }

    /** {first, last, step} key positions from COMMAND INFO; first is 0 when unknown or movable. */
    private int[] keySpec(Session session, List<byte[]> argv) throws IOException {
        String name = new String(argv.get(0), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int[] known = keySpecs.get(name);
        if (known != null) return known;
        int[] spec = {0, 0, 0};
        Reply info = session.connection().call("COMMAND", "INFO", name);
        List<Reply> entries = info.asList();
        if (!entries.isEmpty()) {
            List<Reply> e = entries.get(0).asList();
            if (e.size() >= 6) {
                boolean movable = false;
                for (Reply f : e.get(2).asList()) if ("movablekeys".equals(f.asString())) movable = true;
                if (!movable && e.get(3).asLong() > 0) {
                    spec = new int[] {(int) e.get(3).asLong(), (int) e.get(4).asLong(), (int) e.get(5).asLong()};
                }
            }
        }
        keySpecs.put(name, spec);
        return spec;
    }

    /** A parsed {@code MOVED slot host:port} / {@code ASK slot host:port}. */
    record Redirect(boolean ask, int slot, String host, int port) {
        static Redirect parse(String text, String currentHost) {
            boolean ask;
            if (text.startsWith("MOVED ")) ask = false;
            else if (text.startsWith("ASK ")) ask = true;
            else return null;
            String[] f = text.split(" ");
            if (f.length < 3) return null;
            int colon = f[2].lastIndexOf(':');
            if (colon < 0) return null;
            String host = f[2].substring(0, colon);
            // A node that does not know its own address sends ":port": it means the one we used.
            if (host.isEmpty()) host = currentHost;
            return new Redirect(ask, RedisUri.atoi(f[1]), host, RedisUri.atoi(f[2].substring(colon + 1)));
        }
    }
}
