package io.vermilion.replication;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.persistence.LoadPipe;
import io.vermilion.persistence.RdbLoader;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSource;
import io.vermilion.protocol.ProtocolException;
import io.vermilion.protocol.Reply;
import io.vermilion.protocol.RequestParser;
import io.vermilion.server.Client;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A replica's link to its master (Redis's syncWithMaster / readSyncBulkPayload / the master
 * client): the handshake (PING, AUTH, REPLCONF listening-port / ip-address / capa eof psync2,
 * PSYNC), the RDB transfer into a temp file (both the {@code $<len>} and the {@code $EOF:} forms),
 * loading it, then applying the command stream through a "master" client while counting the
 * offset and sending REPLCONF ACK. Non-blocking, on the node's event loop; loading reads the file
 * on a thread of its own and applies it through a {@link LoadPipe}, as the startup load does.
 */
final class MasterLink extends ChannelInboundHandlerAdapter {
    enum State { CONNECTING, PING, AUTH, PORT, IP, CAPA, PSYNC, BULK_HEADER, TRANSFER, LOADING, CONNECTED, CLOSED }

    private final Replication repl;
    final String host;
    final int port;
    private State state = State.CONNECTING;
    private Channel ch;
    private ByteBuf in;
    private long lastIoMs = System.currentTimeMillis();
    private final long createdMs = System.currentTimeMillis();
    // transfer
    private long bulkLen;          // -1: EOF-marked
    private byte[] eofMark;
    private final byte[] tail = new byte[40];
    private long transferRead;
    private FileChannel tmp;
    private Path tmpPath;
    private String fullId;
    private long fullOffset;
    // stream
    private Client master;
    private ByteBuf discard;
    private RequestParser parser;
    private long readOffset;
    private boolean retryScheduled;

    MasterLink(Replication repl, String host, int port) {
        this.repl = repl;
        this.host = host;
        this.port = port;
    }

    boolean connected() { return state == State.CONNECTED; }
    boolean transferring() { return state == State.TRANSFER || state == State.BULK_HEADER || state == State.LOADING; }
    long transferSize() { return bulkLen < 0 ? 0 : bulkLen; }
    long transferRead() { return transferRead; }
    long lastIoMs() { return lastIoMs; }
    long readOffset() { return readOffset; }
    int masterDb() { return master != null ? master.dbIndex() : repl.masterDb; }

    /** ROLE's state of the link. */
    String roleState() {
        return switch (state) {
            case CONNECTING -> "connecting";
            case PING, AUTH, PORT, IP, CAPA, PSYNC -> "handshake";
            case BULK_HEADER, TRANSFER, LOADING -> "sync";
            case CONNECTED -> "connected";
            case CLOSED -> "connect";
        };
    }

    // ------------------------------------------------------------------ connection

    void connect() {
        EventLoop loop = repl.server.loop();
        state = State.CONNECTING;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(loop.parent() instanceof EpollEventLoopGroup ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, !repl.config.getBool("repl-disable-tcp-nodelay"))
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        repl.config.getLong("repl-timeout") * 1000))
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        // tls-replication: TLS first; writes made before the handshake are queued by it.
                        Replication.LinkTls t = repl.linkTls;
                        io.netty.channel.ChannelHandler h = t == null ? null : t.connecting(c, host, port);
                        if (h != null) c.pipeline().addLast(h);
                        c.pipeline().addLast(MasterLink.this);
                    }
                });
        ChannelFuture f = b.connect(host, port);
        ch = f.channel();
        f.addListener(fu -> {
            if (state == State.CLOSED) {
                ch.close();
                return;
            }
            if (!fu.isSuccess()) {
                repl.log.warning("Error condition on socket for SYNC: " + describe(fu.cause()));
                failed();
                return;
            }
            repl.log.notice("MASTER <-> REPLICA sync started");
            repl.log.notice("Non blocking connect for SYNC fired the event.");
            state = State.PING;
            send("PING");
        });
    }

    private static String describe(Throwable t) {
        if (t == null) return "unknown";
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** Closes the link for good (REPLICAOF changed, node stopping). */
    void close() {
        State was = state;
        state = State.CLOSED;
        if (ch != null) ch.close();
        cleanupTransfer();
        if (was == State.CONNECTED) linkLost();
    }

    /** The link failed: close it and let the cron connect again in a second. */
    private void failed() {
        if (state == State.CLOSED) return;
        State was = state;
        state = State.CLOSED;
        if (ch != null) ch.close();
        cleanupTransfer();
        if (was == State.CONNECTED) linkLost();
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        repl.server.loop().schedule(() -> {
            if (repl.link == this) {
                MasterLink next = new MasterLink(repl, host, port);
                repl.link = next;
                repl.log.notice("Connecting to MASTER " + host + ":" + port);
                next.connect();
            }
        }, 1000, TimeUnit.MILLISECONDS);
    }

    private void linkLost() {
        repl.log.notice("Connection with master lost.");
        repl.log.notice("* Caching the disconnected master state.");
        if (master != null) {
            repl.masterDb = master.dbIndex();
            repl.server.removeClient(master);
            master = null;
        }
        repl.linkDownSinceMs = System.currentTimeMillis();
        repl.fireLinkDown();
    }

    private void cleanupTransfer() {
        if (tmp != null) {
            try {
                tmp.close();
            } catch (IOException ignored) {
                // deleting it anyway
            }
            tmp = null;
        }
        if (tmpPath != null) {
            try {
                Files.deleteIfExists(tmpPath);
            } catch (IOException ignored) {
                // nothing more to do
            }
            tmpPath = null;
        }
        if (in != null) {
            in.release();
            in = null;
        }
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.CLOSED) return;
        if (state != State.CONNECTED) repl.log.warning("Master closed the connection during the sync");
        failed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        repl.log.warning("Error reading from MASTER: " + describe(cause));
        failed();
    }

    /** Once a second from the replication cron: timeouts and the ACK. */
    void cron(long now) {
        long timeoutMs = repl.config.getLong("repl-timeout") * 1000;
        if (state == State.CLOSED) return;
        if (state == State.CONNECTING && now - createdMs > timeoutMs) {
            repl.log.warning("Timeout connecting to the MASTER...");
            failed();
        } else if ((state == State.TRANSFER || state == State.BULK_HEADER) && now - lastIoMs > timeoutMs) {
            repl.log.warning("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                    + "'repl-timeout' parameter in redis.conf to a larger value.");
            failed();
        } else if (state.ordinal() >= State.PING.ordinal() && state.ordinal() <= State.PSYNC.ordinal()
                && now - lastIoMs > timeoutMs) {
            repl.log.warning("Timeout connecting to the MASTER...");
            failed();
        } else if (state == State.CONNECTED) {
            if (now - repl.lastMasterInteractionMs > timeoutMs) {
                repl.log.warning("MASTER timeout: no data nor PING received...");
                failed();
                return;
            }
            sendAck();
        }
    }

    private void send(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        ch.writeAndFlush(Unpooled.wrappedBuffer(Replication.encode(argv)));
    }

    void sendAck() {
        if (ch != null && ch.isActive() && state == State.CONNECTED) {
            send("REPLCONF", "ACK", Long.toString(repl.masterReplOffset));
        }
    }

    // ------------------------------------------------------------------ reading

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        if (state == State.CLOSED) {
            b.release();
            return;
        }
        long now = System.currentTimeMillis();
        lastIoMs = now;
        if (state == State.CONNECTED) {
            repl.lastMasterInteractionMs = now;
            readOffset += b.readableBytes();
        }
        if (in == null) {
            in = b;
        } else {
            if (in.writableBytes() < b.readableBytes() || in.refCnt() > 1 || in.isReadOnly()) {
                ByteBuf bigger = ctx.alloc().buffer(in.readableBytes() + b.readableBytes());
                bigger.writeBytes(in);
                in.release();
                in = bigger;
            }
            in.writeBytes(b);
            b.release();
        }
        try {
            process();
        } catch (IOException | RuntimeException e) {
            repl.log.warning("Replication link error: " + describe(e));
            failed();
        }
        if (in != null && !in.isReadable() && state != State.CLOSED) {
            in.release();
            in = null;
        } else if (in != null) {
            in.discardSomeReadBytes();
        }
    }

    /** A line ending in \n (the \r dropped), or null if not complete yet. */
    private String readLine() throws IOException {
        int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            if (in.readableBytes() > 64 * 1024) throw new IOException("line too long from MASTER");
            return null;
        }
        int len = nl - in.readerIndex();
        byte[] line = new byte[len];
        in.readBytes(line);
        in.skipBytes(1);
        if (len > 0 && line[len - 1] == '\r') len--;
        return new String(line, 0, len, StandardCharsets.ISO_8859_1);
    }

    private void process() throws IOException {
        if (state == State.CONNECTED && heldArgv != null) {
            if (!stream()) return;
        }
        while (in != null && in.isReadable() && state != State.CLOSED) {
            switch (state) {
                case PING, AUTH, PORT, IP, CAPA, PSYNC, BULK_HEADER -> {
                    String line = readLine();
                    if (line == null) return;
                    handshake(line);
                }
                case TRANSFER -> transfer();
                case CONNECTED -> {
                    if (!stream()) return;
                }
                default -> {
                    return; // LOADING: what arrives waits for the load to end
                }
            }
        }
    }

    private void handshake(String line) throws IOException {
        switch (state) {
            case PING -> {
                if (line.startsWith("-") && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
                        && !line.startsWith("-ERR operation not permitted")) {
                    repl.log.warning("Error reply to PING from master: '" + line.substring(1) + "'");
                    failed();
                    return;
                }
                repl.log.notice("Master replied to PING, replication can continue...");
                String auth = repl.config.get("masterauth");
                if (!auth.isEmpty()) {
                    String user = repl.config.get("masteruser");
                    if (user.isEmpty()) send("AUTH", auth);
                    else send("AUTH", user, auth);
                    state = State.AUTH;
                } else {
                    sendPort();
                }
            }
            case AUTH -> {
                if (line.startsWith("-")) {
                    repl.log.warning("Unable to AUTH to MASTER: " + line);
                    failed();
                    return;
                }
                sendPort();
            }
            case PORT -> {
                if (line.startsWith("-")) {
                    repl.log.notice("(Non critical) Master does not understand REPLCONF listening-port: " + line);
                }
                String ip = repl.config.get("replica-announce-ip");
                if (!ip.isEmpty()) {
                    send("REPLCONF", "ip-address", ip);
                    state = State.IP;
                } else {
                    sendCapa();
                }
            }
            case IP -> {
                if (line.startsWith("-")) {
                    repl.log.notice("(Non critical) Master does not understand REPLCONF ip-address: " + line);
                }
                sendCapa();
            }
            case CAPA -> {
                if (line.startsWith("-")) {
                    repl.log.notice("(Non critical) Master does not understand REPLCONF capa: " + line);
                }
                String id = repl.cachedMaster ? repl.replId : "?";
                long off = repl.cachedMaster ? repl.masterReplOffset + 1 : -1;
                if (repl.cachedMaster) {
                    repl.log.notice("Trying a partial resynchronization (request " + id + ":" + off + ").");
                } else {
                    repl.log.notice("Partial resynchronization not possible (no cached master)");
                }
                send("PSYNC", id, Long.toString(off));
                state = State.PSYNC;
            }
            case PSYNC -> psyncReply(line);
            case BULK_HEADER -> bulkHeader(line);
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void sendPort() {
        long announce = repl.config.getLong("replica-announce-port");
        // As Redis: replica-announce-port, else the TLS port when replicating over TLS, else the port.
        int tlsPort = repl.config.getInt("tls-port");
        int p = announce != 0 ? (int) announce
                : repl.config.getBool("tls-replication") && tlsPort != 0 ? tlsPort : repl.server.tcpPort();
        send("REPLCONF", "listening-port", Integer.toString(p));
        state = State.PORT;
    }

    private void sendCapa() {
        send("REPLCONF", "capa", "eof", "capa", "psync2");
        state = State.CAPA;
    }

    private void psyncReply(String line) throws IOException {
        if (line.isEmpty()) return; // the master may send newlines before replying (keepalive)
        if (line.startsWith("+FULLRESYNC")) {
            String[] p = line.split(" ");
            if (p.length < 3 || p[1].length() != 40) {
                repl.log.warning("Master replied with wrong +FULLRESYNC syntax.");
                failed();
                return;
            }
            fullId = p[1];
            fullOffset = Long.parseLong(p[2]);
            repl.log.notice("Full resync from master: " + fullId + ":" + fullOffset);
            state = State.BULK_HEADER;
            return;
        }
        if (line.startsWith("+CONTINUE")) {
            String newId = line.length() > 10 ? line.substring(10).trim() : "";
            repl.log.notice("Successful partial resynchronization with master.");
            if (newId.length() == 40 && !newId.equals(repl.replId)) {
                repl.replId2 = repl.replId;
                repl.secondReplOffset = repl.masterReplOffset + 1;
                repl.replId = newId;
                repl.log.notice("Master replication ID changed to " + newId);
                // Our own replicas must learn of the new id.
                repl.disconnectReplicas();
            }
            repl.log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            if (repl.backlog == null) repl.createBacklog();
            online(repl.masterDb);
            return;
        }
        if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
            repl.log.notice("Master is currently unable to PSYNC but should be in the future: " + line);
            failed();
            return;
        }
        repl.log.warning("Unexpected reply to PSYNC from master: " + line);
        failed();
    }

    private void bulkHeader(String line) throws IOException {
        if (line.isEmpty()) return; // newline keepalive while the master prepares the RDB
        if (line.startsWith("-")) {
            repl.log.warning("MASTER aborted replication with an error: " + line.substring(1));
            failed();
            return;
        }
        if (!line.startsWith("$")) {
            repl.log.warning("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                    + "'), are you sure the host and port are right?");
            failed();
            return;
        }
        if (line.startsWith("$EOF:") && line.length() == 45) {
            eofMark = line.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            bulkLen = -1;
            repl.log.notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
        } else {
            try {
                bulkLen = Long.parseLong(line.substring(1));
            } catch (NumberFormatException e) {
                throw new IOException("bad bulk length from MASTER: " + line);
            }
            if (bulkLen < 0) throw new IOException("bad bulk length from MASTER: " + line);
            repl.log.notice("MASTER <-> REPLICA sync: receiving " + bulkLen + " bytes from master to disk");
        }
        tmpPath = repl.config.resolve("temp-" + (System.currentTimeMillis() / 1000) + "." + ProcessHandle.current().pid()
                + ".rdb");
        tmp = FileChannel.open(tmpPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        transferRead = 0;
        state = State.TRANSFER;
    }

    private void transfer() throws IOException {
        int n = in.readableBytes();
        if (bulkLen >= 0) n = (int) Math.min(n, bulkLen - transferRead);
        if (n > 0) {
            int idx = in.readerIndex();
            // Keep the last 40 bytes seen, to spot the EOF mark.
            if (bulkLen < 0) {
                int k = Math.min(40, n);
                System.arraycopy(tail, k, tail, 0, 40 - k);
                in.getBytes(idx + n - k, tail, 40 - k, k);
            }
            in.readBytes(tmp, transferRead, n);
            transferRead += n;
        }
        boolean done;
        if (bulkLen >= 0) {
            done = transferRead == bulkLen;
        } else {
            done = transferRead >= 40 && Arrays.equals(tail, eofMark);
        }
        if (!done) return;
        if (bulkLen < 0) tmp.truncate(transferRead - 40);
        tmp.force(true);
        tmp.close();
        tmp = null;
        load();
    }

    // ------------------------------------------------------------------ loading

    private void load() throws IOException {
        repl.log.notice("MASTER <-> REPLICA sync: Flushing old data");
        state = State.LOADING;
        ch.config().setAutoRead(false);
        // Our replicas must resync: the dataset is replaced.
        repl.disconnectReplicas();
        repl.backlog = null;
        Path target = repl.config.resolve(repl.config.get("dbfilename"));
        Files.move(tmpPath, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        tmpPath = null;
        Keyspace ks = repl.server.keyspace();
        long size = Files.size(target);
        Thread t = new Thread(() -> loadThread(target, ks, size), "vermilion-repl-load");
        t.setDaemon(true);
        t.start();
    }

    private void loadThread(Path file, Keyspace ks, long size) {
        Throwable error = null;
        RdbLoader loader = new RdbLoader(ks, repl.log, true);
        try {
            LoadPipe pipe = new LoadPipe(repl.server.loop());
            pipe.run(() -> {
                for (int i = 0; i < ks.databases(); i++) ks.db(i).flush();
                ks.expiryEnabled(false);
                repl.persistence.startLoading(size, loader);
                repl.log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
            });
            try (InputStream is = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                RdbReader r = new RdbReader(new RdbSource.Stream(is, size), repl.persistence.codec(),
                        repl.config.getBool("rdbchecksum"));
                r.read(repl.persistence.piped(loader, pipe, r, 0));
            }
            pipe.run(() -> { });
        } catch (Throwable e) {
            error = e;
        }
        final Throwable err = error;
        try {
            repl.server.loop().execute(() -> loaded(err, ks, loader));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the node is stopping
        }
    }

    private void loaded(Throwable error, Keyspace ks, RdbLoader loader) {
        ks.expiryEnabled(true);
        repl.persistence.stopLoading();
        if (state == State.CLOSED) return;
        if (error != null) {
            repl.log.warning("Failed trying to load the MASTER synchronization DB from disk: " + describe(error));
            for (int i = 0; i < ks.databases(); i++) ks.db(i).flush();
            failed();
            return;
        }
        repl.log.notice("Done loading RDB, keys loaded: " + loader.loaded() + ", keys expired: " + loader.expired() + ".");
        repl.replId = fullId;
        repl.masterReplOffset = fullOffset;
        repl.replId2 = Replication.ZERO_ID;
        repl.secondReplOffset = -1;
        repl.createBacklog();
        repl.log.notice("MASTER <-> REPLICA sync: Finished with success");
        online(0);
        ch.config().setAutoRead(true);
        // The first ACK at once: a diskless master starts the stream on it.
        sendAck();
        try {
            process();
        } catch (IOException | RuntimeException e) {
            repl.log.warning("Replication link error: " + describe(e));
            failed();
        }
    }

    /** Synced: the master client exists and the stream flows. */
    private void online(int db) {
        discard = Unpooled.buffer(256);
        Reply r = new Reply(discard);
        master = repl.server.newClient(ch, r);
        master.replicaType("master");
        master.authenticated(true);
        master.select(Math.max(0, Math.min(db, repl.server.keyspace().databases() - 1)));
        parser = new RequestParser(Long.MAX_VALUE);
        state = State.CONNECTED;
        repl.cachedMaster = true;
        repl.lastMasterInteractionMs = System.currentTimeMillis();
        readOffset = repl.masterReplOffset;
        repl.linkDownSinceMs = 0;
        repl.fireLinkUp();
    }

    // ------------------------------------------------------------------ the stream

    private static final byte[] REPLCONF = "replconf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GETACK = "getack".getBytes(StandardCharsets.US_ASCII);

    private ByteBuf partial;      // bytes of a command the parser consumed before it was complete
    private byte[][] heldArgv;    // a command held by CLIENT PAUSE, and its bytes
    private byte[] heldRaw;

    /** Applies every complete command; false if it must stop for now (paused, not complete). */
    private boolean stream() throws IOException {
        while (state == State.CONNECTED && (heldArgv != null || (in != null && in.isReadable()))) {
            byte[][] argv;
            byte[] raw;
            if (heldArgv != null) {
                argv = heldArgv;
                raw = heldRaw;
                heldArgv = null;
                heldRaw = null;
            } else {
                int before = in.readerIndex();
                try {
                    argv = parser.parse(in);
                } catch (ProtocolException e) {
                    throw new IOException("Protocol error from MASTER: " + e.getMessage());
                }
                int consumed = in.readerIndex() - before;
                if (argv == null) {
                    // The parser resumes where it stopped: keep what it took, it is part of the offset.
                    if (consumed > 0) {
                        if (partial == null) partial = Unpooled.buffer(Math.max(256, consumed));
                        partial.writeBytes(in, before, consumed);
                    }
                    return false;
                }
                int p = partial == null ? 0 : partial.readableBytes();
                raw = new byte[p + consumed];
                if (p > 0) {
                    partial.readBytes(raw, 0, p);
                    partial.clear();
                }
                in.getBytes(before, raw, p, consumed);
            }
            if (argv.length > 0) {
                if (argv.length >= 2 && eq(argv[0], REPLCONF) && eq(argv[1], GETACK)) {
                    sendAck();
                } else {
                    Keyspace ks = repl.server.keyspace();
                    boolean ran;
                    ks.expiryEnabled(false); // the master's stream sees logically expired keys
                    try {
                        ran = repl.server.dispatch(master, argv);
                    } finally {
                        ks.expiryEnabled(true);
                        discard.clear();
                    }
                    if (!ran) {
                        // CLIENT PAUSE holds the master's writes too: retry in a moment.
                        heldArgv = argv;
                        heldRaw = raw;
                        if (!retryScheduled) {
                            retryScheduled = true;
                            repl.server.loop().schedule(() -> {
                                retryScheduled = false;
                                try {
                                    process();
                                } catch (IOException | RuntimeException e) {
                                    failed();
                                }
                            }, 10, TimeUnit.MILLISECONDS);
                        }
                        return false;
                    }
                    if (state != State.CONNECTED) return false;
                }
            }
            // The bytes applied are our stream too: backlog, offset and our own replicas.
            repl.feed(raw, 0, raw.length);
        }
        return true;
    }

    private static boolean eq(byte[] a, byte[] lower) {
        if (a.length != lower.length) return false;
        for (int i = 0; i < a.length; i++) {
            int c = a[i] & 0xFF;
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower[i]) return false;
        }
        return true;
    }
}
