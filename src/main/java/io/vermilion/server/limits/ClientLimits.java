package io.vermilion.server.limits;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vermilion.config.Config;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import java.util.List;

/**
 * Limits on client connections, as Redis 7.0 applies them: client-output-buffer-limit per client
 * class (normal, replica, pubsub; hard limit, and soft limit held for some seconds), the peak
 * buffer figures of INFO (client_recent_max_input/output_buffer, the largest of the last 8
 * seconds as Redis's ClientsPeakMemInput/Output), tcp-keepalive on accepted sockets.
 * maxclients, timeout and client-query-buffer-limit are enforced where connections are accepted,
 * in the cron and in the request reader; see docs/limits.md.
 *
 * <p>A client's output buffer is what Netty has not written to its socket yet (the channel's
 * pending outbound bytes) plus the replies of the current read burst not yet handed to Netty.
 */
public final class ClientLimits {
    private static final int PEAK_SLOTS = 8; // Redis's CLIENTS_PEAK_MEM_USAGE_SLOTS

    private final Server server;
    // [class][hard, soft, softSeconds], class = Client.LimitClass.ordinal()
    private volatile long[][] limits = new long[3][3];
    private final long[] peakIn = new long[PEAK_SLOTS];
    private final long[] peakOut = new long[PEAK_SLOTS];
    private int tcpKeepalive;

    public ClientLimits(Server server) {
        this.server = server;
        Config cfg = server.config();
        parse(cfg.get("client-output-buffer-limit"));
        cfg.addListener("client-output-buffer-limit", this::parse);
        tcpKeepalive = cfg.getInt("tcp-keepalive");
        cfg.addListener("tcp-keepalive", v -> tcpKeepalive = Integer.parseInt(v));
    }

    /** "normal h s secs slave h s secs pubsub h s secs", as CONFIG GET shows it. */
    private void parse(String v) {
        String[] t = v.trim().split("\\s+");
        long[][] next = new long[3][3];
        for (int i = 0; i + 3 < t.length; i += 4) {
            int cls = switch (t[i]) {
                case "normal" -> Client.LimitClass.NORMAL.ordinal();
                case "slave", "replica" -> Client.LimitClass.REPLICA.ordinal();
                case "pubsub" -> Client.LimitClass.PUBSUB.ordinal();
                default -> -1;
            };
            if (cls < 0) continue;
            next[cls] = new long[] {Long.parseUnsignedLong(t[i + 1]), Long.parseUnsignedLong(t[i + 2]), Long.parseLong(t[i + 3])};
        }
        limits = next;
    }

    /** The [hard, soft, seconds] limit of a class (tests, docs). */
    public long[] limit(Client.LimitClass cls) { return limits[cls.ordinal()].clone(); }

    /**
     * Redis's checkClientOutputBufferLimits + closeClientOnOutputBufferLimitReached: true (and
     * the client closed, with Redis's log line) when its output buffer, counting
     * {@code unwritten} bytes of replies not yet handed to Netty, is over the hard limit, or
     * over the soft limit for longer than its seconds. Cheap when the class has no limit.
     */
    public boolean enforce(Client c, long unwritten) {
        if (c.isInternal()) return false;
        long[] l = limits[c.limitClass().ordinal()];
        if (l[0] == 0 && l[1] == 0) return false;
        long used = c.pendingOutputBytes() + unwritten;
        if (used == 0) return false;
        boolean hard = l[0] != 0 && used >= l[0];
        boolean soft = l[1] != 0 && used >= l[1];
        long nowSec = System.currentTimeMillis() / 1000;
        if (soft) {
            long since = c.obufSoftLimitReachedTime();
            if (since == 0) {
                c.obufSoftLimitReachedTime(nowSec);
                soft = false; // first time the soft limit is seen reached
            } else if (nowSec - since <= l[2]) {
                soft = false;
            }
        } else {
            c.obufSoftLimitReachedTime(0);
        }
        if (!hard && !soft) return false;
        server.log().warning("Client " + c.infoLine() + " scheduled to be closed ASAP for overcoming of output buffer limits.");
        c.kill();
        return true;
    }

    /** Periodic work (serverCron/clientsCron): soft limits that stay reached, INFO peaks. */
    public void cron() {
        int slot = (int) ((System.currentTimeMillis() / 1000) % PEAK_SLOTS);
        long in = 0, out = 0;
        for (Client c : List.copyOf(server.clients().values())) {
            long o = c.pendingOutputBytes();
            in = Math.max(in, c.queryBufferBytes() + c.queryBufferFree());
            out = Math.max(out, o);
            if (o > 0) enforce(c, 0);
        }
        // A slot is reset when a new second starts in it, as Redis's clientsCron.
        if (slotSecond[slot] != System.currentTimeMillis() / 1000) {
            slotSecond[slot] = System.currentTimeMillis() / 1000;
            peakIn[slot] = 0;
            peakOut[slot] = 0;
        }
        peakIn[slot] = Math.max(peakIn[slot], in);
        peakOut[slot] = Math.max(peakOut[slot], out);
    }

    private final long[] slotSecond = new long[PEAK_SLOTS];

    public long recentMaxInput() {
        long m = 0;
        for (long v : peakIn) m = Math.max(m, v);
        return m;
    }

    public long recentMaxOutput() {
        long m = 0;
        for (long v : peakOut) m = Math.max(m, v);
        return m;
    }

    /** A new connection: tcp-keepalive as Redis's anetKeepAlive (idle = interval, probes every interval/3, 3 probes). */
    public void accepted(Channel ch) {
        int ka = tcpKeepalive;
        try {
            ch.config().setOption(ChannelOption.SO_KEEPALIVE, ka > 0);
            if (ka <= 0) return;
            int intvl = Math.max(1, ka / 3);
            if (ch instanceof io.netty.channel.epoll.EpollSocketChannel e) {
                e.config().setTcpKeepIdle(ka);
                e.config().setTcpKeepIntvl(intvl);
                e.config().setTcpKeepCnt(3);
            } else if (ch instanceof io.netty.channel.socket.nio.NioSocketChannel) {
                ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE), ka);
                ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL), intvl);
                ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT), 3);
            }
        } catch (RuntimeException | Error e) {
            // Platforms without these options keep the kernel's keepalive timers.
        }
    }
}
