package io.vermilion.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves other clients while a long script holds the command thread (Redis's
 * processEventsWhileBlocked during a script past busy-reply-threshold).
 *
 * <p>The script runs on the node's event loop, so that loop cannot select; instead the script's
 * instruction hook calls {@link #pump} every few milliseconds. It reads, without blocking, what
 * each other client's socket holds (on the event loop thread, which owns those sockets) and
 * feeds it to that client's {@link ClientHandler} as if the loop had read it. While
 * {@link Server#busyError()} is set, the dispatcher answers -BUSY to every command without the
 * allow-busy flag, and SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE run. The client running
 * the script is skipped (Redis protects it the same way). Edge-triggered epoll stays correct: a
 * socket drained here simply reads EAGAIN when the loop gets to it.
 *
 * <p>With io-threads the sockets belong to the I/O threads, which go on reading and parsing while
 * the script runs: the pump then only runs the requests they have queued.
 *
 * <p>Only the epoll transport exposes the socket's descriptor; on NIO the pump does nothing
 * (clients then wait for the script, as they would without a busy threshold).
 */
public final class BusyPump {
    private BusyPump() {}

    private static ByteBuffer scratch;

    /** Reads and serves pending requests of every client but {@code running}. */
    public static void pump(Server server, Client running) {
        List<Client> all = new ArrayList<>(server.clients().values());
        for (Client c : all) {
            if (c == running || c.handler == null || c.blocked) continue;
            // io-threads: the client's own I/O thread keeps reading and parsing; run what it queued.
            if (c.handler.drainForPump()) continue;
            Channel ch = c.channel;
            if (ch == null || !ch.isActive() || !ch.config().isAutoRead()) continue;
            if (!(ch instanceof io.netty.channel.unix.UnixChannel ec)) continue;
            ChannelHandlerContext ctx = ch.pipeline().context(c.handler);
            if (ctx == null) continue;
            try {
                if (scratch == null) scratch = ByteBuffer.allocateDirect(64 * 1024);
                for (int rounds = 0; rounds < 16; rounds++) {
                    scratch.clear();
                    int n = ec.fd().read(scratch, 0, scratch.capacity());
                    if (n == 0) break;          // EAGAIN: nothing more now
                    if (n < 0) {                // EOF: the loop closes it once the script ends
                        break;
                    }
                    ByteBuf buf = ctx.alloc().buffer(n);
                    scratch.limit(n);
                    scratch.position(0);
                    buf.writeBytes(scratch);
                    c.handler.channelRead(ctx, buf);
                    c.handler.channelReadComplete(ctx);
                    if (n < scratch.capacity()) break;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // A reset connection: leave it to the event loop.
            }
        }
    }
}
