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
 * <p>With {@code io-threads 1} (the default) this handler runs on the node's command thread (the
 * single event loop that also owns the keyspace), so commands execute in arrival order without
 * locks. With {@code io-threads N > 1} the connection belongs to one of N-1 I/O threads: there
 * the socket is read, requests are parsed into {@code byte[][]} and put in the connection's
 * inbox, and replies are written; the command thread drains the inbox in order, runs the
 * commands and encodes the replies (Redis's threaded I/O split). Everything marked "I/O side"
 * below is touched only by the connection's own loop, everything else only by the command
 * thread; the inbox and a few counters are the hand-over (see docs/architecture.md "I/O threads").
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

    // io-threads > 1 only. The I/O side parses into the inbox (byte[][] requests, or a
    // ProtocolError as the last item); the command thread drains it. queued = the inbox's bytes,
    // counted against client-query-buffer-limit with the unparsed input.
    private boolean threaded;
    private java.util.concurrent.ConcurrentLinkedQueue<Object> inbox;
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong readBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    // Parse with the unauthenticated limits (Redis's): while true, the I/O side parses one request
    // at a time and waits (waitingFor) until the command thread has run it, since an AUTH in the
    // pipeline changes the limits for what follows.
    private volatile boolean unauth;
    private volatile Object waitingFor;     // the unauthenticated request the I/O side waits on
    private boolean ranAwaited;             // command thread: it has run
    private volatile boolean ioClosed;

    private record ProtocolError(String message) {}

    /** Requests one drain runs before it lets the other connections' work go first. */
    private static final int DRAIN_BATCH = 1024;
    /** Queued bytes above which the I/O side stops reading this connection, and below which it reads again. */
    private static final long QUEUE_HIGH = 4L << 20, QUEUE_LOW = 1L << 20;
    private volatile boolean throttled;

    ClientHandler(Server server) {
        this.server = server;
        this.parser = new RequestParser(server.protoMaxBulkLen);
        this.unauth = server.authRequired;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        threaded = ctx.channel().eventLoop() != server.loop();
        if (!threaded) {
            activate(ctx);
            return;
        }
        inbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
        // Before any request of this connection: tasks from this thread run in order.
        server.loop().execute(() -> activate(ctx));
    }

    /** Admits the connection (maxclients, protected mode) and creates its client: command thread. */
    private void activate(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) return;
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
        unauth = !client.authenticated && server.authRequired;
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (threaded ? ioClosed : client == null) return;
            int n = buf.readableBytes();
            if (threaded) {
                readBytes.addAndGet(n);
                reads.incrementAndGet();
            } else {
                server.stats().netInputBytes += n;
                server.stats().readsProcessed++;
            }
            if (!room(n)) {
                closeOverLimit();
                return;
            }
            buf.readBytes(in, inLimit, n);
            inLimit += n;
        } finally {
            buf.release();
        }
        if (threaded) ioParse();
        else process();
    }

    /**
     * I/O side: parses the complete requests in the input into the inbox (one at a time while
     * unauthenticated), then checks the query buffer limit over unparsed plus queued bytes.
     */
    private void ioParse() {
        if (ioClosed || in == null) return;
        parser.setMaxBulkLen(server.protoMaxBulkLen);
        while (inPos < inLimit && waitingFor == null) {
            boolean limited = unauth;
            parser.setUnauthenticated(limited);
            int before = inPos;
            byte[][] argv;
            try {
                argv = parser.parse(in, inPos, inLimit);
            } catch (ProtocolException e) {
                inbox.add(new ProtocolError(e.getMessage()));
                ioClosed = true;
                ctx.channel().config().setAutoRead(false);
                dropInput();
                return;
            }
            inPos = parser.position();
            if (argv == null) break;
            if (argv.length == 0) continue;
            long q = queued.addAndGet(weight(argv));
            if (limited) waitingFor = argv;
            inbox.add(argv);
            if (q > QUEUE_HIGH && !throttled) {
                // The command thread is behind: stop reading until it has caught up (drain).
                throttled = true;
                ctx.channel().config().setAutoRead(false);
            }
        }
        if (inPos == inLimit) {
            inPos = inLimit = 0;
            if (in.length > KEEP_INPUT) in = null;
        } else if (inLimit - inPos + queued.get() > server.queryBufferLimit) {
            closeOverLimit();
        }
    }

    /** I/O side, at the end of a read burst: hands the parsed requests to the command thread. */
    private void scheduleDrain() {
        if (!inbox.isEmpty() && drainScheduled.compareAndSet(false, true)) server.loop().execute(this::drain);
    }

    /** Command thread: runs what the I/O side queued, then flushes. */
    private void drain() {
        drainScheduled.set(false);
        ServerStats st = server.stats();
        st.netInputBytes += readBytes.getAndSet(0);
        st.readsProcessed += reads.getAndSet(0);
        if (client == null) return;
        process();
        server.flushReplies(ctx);
        if (throttled && queued.get() < QUEUE_LOW && pending == null && !ioClosed && ctx.channel().isActive()) {
            throttled = false;
            ctx.channel().config().setAutoRead(true);
        }
        // A long pipeline runs DRAIN_BATCH requests at a time, behind the other connections' turns.
        if (!inbox.isEmpty() && !client.blocked && pending == null && drainScheduled.compareAndSet(false, true)) {
            server.loop().execute(this::drain);
        }
    }

    /**
     * Command thread, after running requests: an I/O side waiting for an unauthenticated request
     * to have run goes on parsing, with the limits that now apply.
     */
    private void afterOwnerRun() {
        if (!ranAwaited) return;
        ranAwaited = false;
        unauth = !client.authenticated && server.authRequired;
        ctx.channel().eventLoop().execute(() -> {
            waitingFor = null;
            ioParse();
            scheduleDrain();
        });
    }

    /**
     * Runs what the I/O side has queued for this client now, on the command thread, while a
     * long script holds it (see {@link BusyPump}). False when the connection is not threaded.
     */
    boolean drainForPump() {
        if (!threaded) return false;
        drain();
        return true;
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
        if (threaded) {
            String initial = io.vermilion.server.Repr.quote(initialBytes());
            ioClosed = true;
            dropInput();
            ctx.channel().config().setAutoRead(false);
            server.loop().execute(() -> {
                if (client != null) {
                    server.log().warning("Closing client that reached max query buffer length: " + client.infoLine()
                            + " (qbuf initial bytes: " + initial + ")");
                }
                ctx.close();
            });
            return;
        }
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
        if (!threaded) parser.setMaxBulkLen(server.protoMaxBulkLen);
        int ran = 0;
        try {
            // A blocked client's further requests wait (they stay in the buffer) until it is served.
            while (!client.blocked && (pending != null || (threaded ? !inbox.isEmpty() : inPos < inLimit))) {
                byte[][] argv;
                if (pending != null) {
                    argv = pending;
                    pending = null;
                } else if (threaded) {
                    if (++ran > DRAIN_BATCH) break; // the rest in the next drain (see drain)
                    Object item = inbox.poll();
                    if (item instanceof ProtocolError pe) {
                        reply.buffer(out);
                        server.error(client, "ERR " + pe.message());
                        close = true;
                        break;
                    }
                    argv = (byte[][]) item;
                    long left = queued.addAndGet(-weight(argv));
                    client.queryBufferBytes = (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
                    client.queryBufferFree = 0;
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
                if (threaded && argv == waitingFor) ranAwaited = true;
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
        if (threaded) {
            client.queryBufferBytes = (int) Math.max(0, Math.min(Integer.MAX_VALUE, queued.get()));
        } else if (in != null) {
            if (inPos == inLimit) {
                inPos = inLimit = 0;
                if (in.length > KEEP_INPUT) in = null;
            } else if (inLimit - inPos > server.queryBufferLimit) {
                close = true; // Redis closes such a client without a reply
                server.log().warning("Closing client that reached max query buffer length: " + client.infoLine()
                        + " (qbuf initial bytes: " + io.vermilion.server.Repr.quote(initialBytes()) + ")");
            }
        }
        if (!threaded) {
            client.queryBufferBytes = inLimit - inPos;
            client.queryBufferFree = in == null ? 0 : in.length - inLimit;
        }
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
            if (threaded) {
                ioClosed = true;
                inbox.clear();
            }
        } else {
            afterOwnerRun();
        }
    }

    /** The bytes a parsed request stood for in the input (its RESP encoding's size, near enough). */
    private static long weight(byte[][] argv) {
        long n = 16;
        for (byte[] a : argv) n += a.length + 16;
        return n;
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
        if (threaded) {
            drain();
            return;
        }
        process();
        server.flushReplies(ctx);
    }

    private void resume() {
        if (!ctx.channel().isActive()) return;
        if (!throttled) ctx.channel().config().setAutoRead(true);
        if (threaded) {
            drain();
            return;
        }
        process();
        server.flushReplies(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (threaded) scheduleDrain();
        else server.flushReplies(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropInput();
        if (threaded) {
            ioClosed = true;
            server.loop().execute(this::closed);
        } else {
            closed();
        }
    }

    private void closed() {
        if (client != null) server.removeClient(client);
        pending = null;
        if (inbox != null) inbox.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection errors (reset by peer...) are normal; they show with loglevel verbose.
        if (threaded) server.loop().execute(() -> server.log().verbose("Client connection error: " + cause));
        else server.log().verbose("Client connection error: " + cause);
        ctx.close();
    }
}
