package io.vermilion.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vermilion.protocol.ProtocolException;
import io.vermilion.protocol.Reply;
import io.vermilion.protocol.RequestParser;

/**
 * The Netty side of one client connection: accumulates request bytes, parses as many requests as
 * are complete, runs each through {@link Server#dispatch} and writes all their replies in one
 * buffer, flushed when the read burst ends (so a pipeline of N commands costs one write).
 *
 * <p>This handler runs on the node's command thread (the single event loop that also owns the
 * keyspace), so commands execute in arrival order without locks. The seam for I/O threads is
 * here: parsing could move to other loops and hand {@code byte[][]} requests to the command
 * thread without any command code changing.
 *
 * <p>Defences against hostile clients: the parser never allocates by a declared length; the
 * unparsed input of a connection is bounded by client-query-buffer-limit (the connection is
 * closed beyond it, as Redis does); a protocol error is answered and the connection closed.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final Server server;
    private final RequestParser parser;
    // Unparsed request bytes: in[inPos, inLimit). A heap array, so that the parser reads it with
    // plain array loads (no ByteBuf bounds and reference-count checks per byte); grown by what
    // really arrived (doubling), never by a declared length; dropped after a burst when large.
    private byte[] in;
    private int inPos, inLimit;
    private static final int KEEP_INPUT = 16 * 1024;
    private Client client;
    private Reply reply;
    private ByteBuf discard;            // where replies go while CLIENT REPLY OFF/SKIP
    private byte[][] pending;           // a request held by CLIENT PAUSE
    private ChannelHandlerContext ctx;
    private boolean skipThis;

    ClientHandler(Server server) {
        this.server = server;
        this.parser = new RequestParser(server.protoMaxBulkLen);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        int max = server.maxClients;
        if (server.clients().size() >= max) {
            server.stats().rejectedConnections++;
            ctx.writeAndFlush(Unpooled.copiedBuffer("-ERR max number of clients reached\r\n",
                    java.nio.charset.StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String denied = server.access() == null ? null : server.access().refuseConnection(ctx.channel().remoteAddress());
        if (denied != null) {
            // Protected mode (Redis's clientAcceptHandler): explain, then close.
            server.stats().rejectedConnections++;
            // Half-close after the message and drop what the client sends, so that unread input
            // does not turn the close into a reset that loses the message; close for good soon after.
            ctx.writeAndFlush(Unpooled.copiedBuffer("-" + denied + "\r\n", java.nio.charset.StandardCharsets.US_ASCII))
                    .addListener(f -> {
                        if (ctx.channel() instanceof io.netty.channel.socket.DuplexChannel d) d.shutdownOutput();
                        else ctx.close();
                    });
            ctx.executor().schedule(() -> { ctx.close(); }, 1, java.util.concurrent.TimeUnit.SECONDS);
            return;
        }
        server.clientLimits().accepted(ctx.channel());
        reply = new Reply(null);
        client = server.newClient(ctx.channel(), reply);
        client.handler = this;
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (client == null) return;
            int n = buf.readableBytes();
            server.stats().netInputBytes += n;
            server.stats().readsProcessed++;
            if (!room(n)) {
                closeOverLimit();
                return;
            }
            buf.readBytes(in, inLimit, n);
            inLimit += n;
        } finally {
            buf.release();
        }
        process();
    }

    /** Makes room for n more input bytes; false if the buffer cannot hold that many (above 2 GB). */
    private boolean room(int n) {
        if (in == null) {
            in = new byte[Math.max(n, 512)];
            return true;
        }
        if (in.length - inLimit >= n) return true;
        int used = inLimit - inPos;
        long need = (long) used + n;
        if (need > Integer.MAX_VALUE - 16) return false;
        if (need <= in.length && inPos > 0) {
            System.arraycopy(in, inPos, in, 0, used);
        } else {
            // Doubling keeps a large upload linear; past 64 MB grow by 64 MB at a time.
            long cap = Math.min(Integer.MAX_VALUE - 16, Math.max(need, Math.min((long) in.length * 2, in.length + (64L << 20))));
            byte[] bigger = new byte[(int) cap];
            System.arraycopy(in, inPos, bigger, 0, used);
            in = bigger;
        }
        inPos = 0;
        inLimit = used;
        return true;
    }

    private void closeOverLimit() {
        server.log().warning("Closing client that reached max query buffer length: " + client.infoLine()
                + " (qbuf initial bytes: " + io.vermilion.server.Repr.quote(initialBytes()) + ")");
        dropInput();
        ctx.channel().config().setAutoRead(false);
        ctx.close();
    }

    private void dropInput() {
        in = null;
        inPos = inLimit = 0;
    }

    /** Parses and runs every complete request in the buffer. */
    void process() {
        if (client == null || !ctx.channel().isActive()) return;
        client.lastInteractionMs = System.currentTimeMillis(); // once per read, not per request
        ByteBuf out = ctx.alloc().ioBuffer(512);
        reply.buffer(out);
        client.out = out;
        boolean close = false;
        parser.setMaxBulkLen(server.protoMaxBulkLen);
        try {
            // A blocked client's further requests wait (they stay in the buffer) until it is served.
            while (!client.blocked && (inPos < inLimit || pending != null)) {
                byte[][] argv;
                if (pending != null) {
                    argv = pending;
                    pending = null;
                } else {
                    int before = inPos;
                    parser.setUnauthenticated(!client.authenticated && server.authRequired);
                    try {
                        argv = parser.parse(in, inPos, inLimit);
                    } catch (ProtocolException e) {
                        reply.buffer(out);
                        server.error(client, "ERR " + e.getMessage());
                        close = true;
                        break;
                    }
                    inPos = parser.position();
                    if (argv == null) break;
                    if (argv.length == 0) continue;
                    // CLIENT LIST's qbuf: the running request's bytes and what follows it.
                    client.queryBufferBytes = inLimit - before;
                    client.queryBufferFree = in.length - inLimit;
                }
                boolean silent = client.replyMode == Client.ReplyMode.OFF || skipThis;
                client.silentNow = silent;
                skipThis = false;
                if (silent) {
                    if (discard == null) discard = Unpooled.buffer(256);
                    discard.clear();
                    reply.buffer(discard);
                } else {
                    reply.buffer(out);
                }
                if (!server.dispatch(client, argv)) {
                    // Held by CLIENT PAUSE: stop reading, resume when the pause ends.
                    pending = argv;
                    ctx.channel().config().setAutoRead(false);
                    server.whenUnpaused(this::resume);
                    break;
                }
                reply.buffer(out);
                // client-output-buffer-limit: replies of this burst plus what the socket has not taken.
                if (server.clientLimits().enforce(client, out.readableBytes())) {
                    out.release();
                    ctx.channel().config().setAutoRead(false);
                    return;
                }
                if (client.skipNext) {
                    // CLIENT REPLY SKIP silences the one command after it.
                    client.skipNext = false;
                    skipThis = true;
                }
                if (client.closeAfterReply) { close = true; break; }
            }
        } catch (RuntimeException e) {
            // A bug in a command must not take the node down: report it to this client only.
            reply.buffer(out);
            server.error(client, "ERR internal error: " + e);
            e.printStackTrace();
        }
        if (in != null) {
            if (inPos == inLimit) {
                inPos = inLimit = 0;
                if (in.length > KEEP_INPUT) in = null;
            } else if (inLimit - inPos > server.queryBufferLimit) {
                close = true; // Redis closes such a client without a reply
                server.log().warning("Closing client that reached max query buffer length: " + client.infoLine()
                        + " (qbuf initial bytes: " + io.vermilion.server.Repr.quote(initialBytes()) + ")");
            }
        }
        client.queryBufferBytes = inLimit - inPos;
        client.queryBufferFree = in == null ? 0 : in.length - inLimit;
        client.argvMem = 0;
        if (out.isReadable()) {
            server.stats().netOutputBytes += out.readableBytes();
            server.stats().writesProcessed++;
            client.replyPeak = Math.max(client.replyPeak, out.readableBytes());
            if (close) {
                // Through the reply barrier: an acknowledged write is durable before the reply leaves.
                ctx.write(out).addListener(ChannelFutureListener.CLOSE);
                server.flushReplies(ctx);
            } else {
                ctx.write(out, ctx.voidPromise());
            }
        } else {
            out.release();
            if (close) ctx.close();
        }
        if (close) {
            // Stop reading from a client we are closing.
            ctx.channel().config().setAutoRead(false);
        }
    }

    /**
     * Writes what {@code r} replies on behalf of this (blocked) client, at once: a re-run of its
     * blocked command, a timeout or CLIENT UNBLOCK reply, a redirect (see {@link Blocking}).
     */
    void runForBlocked(Runnable r, boolean silent, boolean rerun) {
        if (!ctx.channel().isActive()) return;
        ByteBuf out = ctx.alloc().ioBuffer(256);
        ByteBuf prevBuf = reply.buffer();
        ByteBuf prevOut = client.out;
        if (silent) {
            if (discard == null) discard = Unpooled.buffer(256);
            discard.clear();
            reply.buffer(discard);
        } else {
            reply.buffer(out);
        }
        client.out = out;
        try {
            r.run();
        } catch (RuntimeException e) {
            reply.buffer(out);
            server.error(client, "ERR internal error: " + e);
            e.printStackTrace();
        } finally {
            reply.buffer(prevBuf);
            client.out = prevOut;
        }
        if (out.isReadable()) {
            server.stats().netOutputBytes += out.readableBytes();
            server.stats().writesProcessed++;
            ctx.write(out, ctx.voidPromise());
            server.flushReplies(ctx);
            server.clientLimits().enforce(client, 0);
        } else {
            out.release();
        }
    }

    private byte[] initialBytes() {
        return in == null ? new byte[0] : java.util.Arrays.copyOfRange(in, inPos, inPos + Math.min(64, inLimit - inPos));
    }

    /** Runs the requests that waited behind a blocked command, once it is served. */
    void resumeAfterBlock() {
        if (client == null || client.blocked || !ctx.channel().isActive()) return;
        process();
        server.flushReplies(ctx);
    }

    private void resume() {
        if (!ctx.channel().isActive()) return;
        ctx.channel().config().setAutoRead(true);
        process();
        server.flushReplies(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        server.flushReplies(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client != null) server.removeClient(client);
        dropInput();
        pending = null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection errors (reset by peer...) are normal; they show with loglevel verbose.
        server.log().verbose("Client connection error: " + cause);
        ctx.close();
    }
}
