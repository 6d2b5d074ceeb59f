package io.vermilion.server;

import io.netty.channel.Channel;
import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Reply;
import java.net.InetSocketAddress;

/**
 * One client connection's state, touched only on the node's command thread. Commands read their
 * context from here (selected database, protocol version) and write replies through
 * {@link #reply()}.
 */
public final class Client {
    /** CLIENT REPLY modes. */
    public enum ReplyMode { ON, OFF, SKIP }

    /** The client classes of client-output-buffer-limit (a master link counts as normal, as in Redis). */
    public enum LimitClass { NORMAL, REPLICA, PUBSUB }

    final long id;
    final Server server;
    final Channel channel;        // null for internal clients (AOF loading)
    final Reply reply;
    final long createdMs;
    long lastInteractionMs;
    private int dbIndex;
    private Db db;
    byte[] name;
    boolean authenticated;
    String user = "default";
    boolean monitor;
    boolean closeAfterReply;
    boolean noEvict;
    ReplyMode replyMode = ReplyMode.ON;
    boolean skipNext;           // CLIENT REPLY SKIP applies to the next command
    String lastCommand = "NULL";
    BlockState blockState;
    ClientHandler handler;      // null for internal clients
    CommandSpec runningSpec;    // the command call() is running (what a blocked client re-runs)
    byte[][] runningArgv;
    boolean silentNow;          // the running command's reply is discarded (CLIENT REPLY OFF/SKIP)
    int queryBufferBytes;       // qbuf: bytes of the running request plus unparsed input
    int queryBufferFree;        // qbuf-free
    long argvMem;               // argv-mem: bytes of the running request's arguments
    int replyPeak;              // rbp: largest reply batch written so far
    long redactedArgs;          // bit i: argv[i] is shown as "(redacted)" to MONITOR and SLOWLOG
    boolean pubsub;             // subscribed to something (RESP2 pub/sub mode): type "pubsub", flag P
    int subscriptions, patternSubscriptions, shardSubscriptions;
    int multiQueued = -1;       // commands queued in MULTI, -1 outside a transaction
    long multiMem;
    boolean blocked;
    String replicaType;         // "master"/"replica" for replication links
    String libName = "", libVer = "";
    boolean readonly;          // cluster READONLY
    boolean asking;            // cluster ASKING for the next command
    io.netty.buffer.ByteBuf out; // this batch's real reply buffer
    byte[][] propagateAs;
    /** propagateAs value of a command that propagated other commands itself (Server.propagateInstead). */
    static final byte[][] PROPAGATE_NOTHING = new byte[0][];
    long obufSoftLimitReachedTime; // unix seconds the soft output limit was first seen reached, 0 if not
    Transaction tx;            // MULTI/WATCH state, created on first use      // set by the running command to replace what AOF/replicas receive

    Client(long id, Server server, Channel channel, Reply reply) {
        this.id = id;
        this.server = server;
        this.channel = channel;
        this.reply = reply;
        this.createdMs = System.currentTimeMillis();
        this.lastInteractionMs = createdMs;
        select(0);
    }

    public long id() { return id; }
    public long lastInteractionMs() { return lastInteractionMs; }
    public long createdMs() { return createdMs; }
    public Server server() { return server; }
    public Reply reply() { return reply; }
    public Db db() { return db; }
    public int dbIndex() { return dbIndex; }
    public Channel channel() { return channel; }
    public boolean isInternal() { return channel == null; }
    public byte[] name() { return name; }
    public void name(byte[] n) { this.name = n; }
    public int proto() { return reply.proto(); }
    public boolean authenticated() { return authenticated; }
    public void authenticated(boolean a) { authenticated = a; }
    public ReplyMode replyMode() { return replyMode; }
    public boolean readonly() { return readonly; }
    public void readonly(boolean r) { readonly = r; }
    public void asking(boolean a) { asking = a; }
    public boolean asking() { return asking; }
    public void noEvict(boolean b) { noEvict = b; }
    public boolean noEvict() { return noEvict; }
    public String user() { return user; }
    public void user(String u) { user = u; }
    public void proto(int p) { reply.proto(p); }
    public boolean isMonitor() { return monitor; }
    public boolean closingAfterReply() { return closeAfterReply; }
    public String lastCommand() { return lastCommand; }

    /** Hides argv[index] from MONITOR and SLOWLOG (passwords of AUTH, HELLO, ...). */
    public void redact(int index) {
        if (index < 64) redactedArgs |= 1L << index;
    }

    public boolean redacted(int index) {
        return index < 64 && (redactedArgs & (1L << index)) != 0;
    }

    // State other families keep up to date, shown by CLIENT LIST / INFO clients.
    public void pubsub(boolean b) { pubsub = b; }
    public boolean pubsub() { return pubsub; }
    public void subscriptionCounts(int channels, int patterns, int shardChannels) {
        subscriptions = channels;
        patternSubscriptions = patterns;
        shardSubscriptions = shardChannels;
    }
    /**
     * Where a message pushed to this client goes right now: the real reply buffer of its running
     * command (so the push precedes that command's reply and ignores CLIENT REPLY OFF, as Redis's
     * CLIENT_PUSHING), or null when none of its commands runs (then it goes onto the connection).
     */
    public io.netty.buffer.ByteBuf pushBuffer() { return server.currentClient() == this ? out : null; }
    public int subscriptions() { return subscriptions; }
    public int patternSubscriptions() { return patternSubscriptions; }
    public int shardSubscriptions() { return shardSubscriptions; }
    /** MULTI state: number of queued commands and their memory, or -1 outside MULTI. */
    public void multi(int queued, long mem) { multiQueued = queued; multiMem = mem; }
    public int multiQueued() { return multiQueued; }
    /** This connection's MULTI/WATCH state, created on first use. */
    public Transaction tx() {
        if (tx == null) tx = new Transaction();
        return tx;
    }
    /** The MULTI/WATCH state if the connection ever used one, else null. */
    public Transaction txOrNull() { return tx; }
    /** How a blocked client is released early by CLIENT UNBLOCK; the blocking family implements it. */
    public interface BlockState {
        /** Reply to the blocked client as if it timed out (error = false) or with -UNBLOCKED, and resume it. */
        void unblock(boolean error);
    }

    /** Marks this client blocked (BLPOP, WAIT...) until {@link #unblocked()}. */
    public void block(BlockState s) { blocked = true; blockState = s; }
    public void unblocked() { blocked = false; blockState = null; }
    public boolean blocked() { return blocked; }
    public BlockState blockState() { return blockState; }
    public int queryBufferBytes() { return queryBufferBytes; }
    public int queryBufferFree() { return queryBufferFree; }
    public long argvMem() { return argvMem; }
    public long multiMem() { return multiMem; }
    public int replyPeak() { return replyPeak; }

    /**
     * The class whose client-output-buffer-limit applies (Redis's getClientType): a replica
     * link (not a monitor), else a subscriber ({@link #pubsub(boolean)}, set by Pub/Sub), else normal.
     */
    public LimitClass limitClass() {
        if ("replica".equals(replicaType) && !monitor) return LimitClass.REPLICA;
        if (pubsub) return LimitClass.PUBSUB;
        return LimitClass.NORMAL;
    }

    public long obufSoftLimitReachedTime() { return obufSoftLimitReachedTime; }
    public void obufSoftLimitReachedTime(long unixSec) { obufSoftLimitReachedTime = unixSec; }

    /** Bytes this connection holds in buffers (query buffer, arguments, MULTI queue, output): used memory's share. */
    public long memoryBytes() {
        return 1024 + queryBufferBytes + queryBufferFree + argvMem + multiMem + pendingOutputBytes();
    }

    /** Pending output bytes in the connection's outbound buffer (omem). */
    public long pendingOutputBytes() {
        if (channel == null) return 0;
        io.netty.channel.ChannelOutboundBuffer b = channel.unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }

    /** Number of pending output messages (oll). */
    public int pendingOutputMessages() {
        if (channel == null) return 0;
        io.netty.channel.ChannelOutboundBuffer b = channel.unsafe().outboundBuffer();
        return b == null ? 0 : b.size();
    }

    /** The socket's file descriptor when the transport has one (epoll), else -1. */
    public int fd() {
        if (channel instanceof io.netty.channel.unix.UnixChannel u) return u.fd().intValue();
        return -1;
    }

    public void select(int index) {
        dbIndex = index;
        db = server.keyspace().db(index);
    }

    /**
     * Makes AOF and replicas receive {@code argv} instead of the running request, as Redis's
     * rewriteClientCommandVector: EXPIRE is propagated as PEXPIREAT with an absolute time (so a
     * replay later does not extend the TTL), an EXPIRE in the past as DEL.
     */
    public void propagateAs(byte[]... argv) { propagateAs = argv; }

    /** Ends this connection once pending replies are written (QUIT, protocol errors). */
    public void closeAfterReply() { closeAfterReply = true; }

    /** CLIENT REPLY ON|OFF|SKIP. ON makes the current command's own reply visible again. */
    public void replyMode(ReplyMode m) {
        if (m == ReplyMode.SKIP) {
            if (replyMode != ReplyMode.OFF) skipNext = true;
            return;
        }
        skipNext = false;
        replyMode = m;
        if (m == ReplyMode.ON && out != null) reply.buffer(out);
    }

    /** Turns this connection into a MONITOR feed. */
    public void startMonitor() {
        monitor = true;
        server.monitors().add(this);
    }

    public void stopMonitor() {
        monitor = false;
        server.monitors().remove(this);
    }

    public String addr() {
        if (channel == null) return "";
        InetSocketAddress a = (InetSocketAddress) channel.remoteAddress();
        return a == null ? "" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    public String laddr() {
        if (channel == null) return "";
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return a == null ? "" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** CLIENT LIST's type of this client: normal, replica, master or pubsub (monitors are normal). */
    public String type() {
        if (replicaType != null) return replicaType;
        return pubsub ? "pubsub" : "normal";
    }

    /** The connection of this replica to its master, whose stream it applies. */
    public boolean isMaster() { return "master".equals(replicaType); }
    /** A replica's link to this master (Redis's CLIENT_SLAVE). */
    public boolean isReplica() { return "replica".equals(replicaType) && !monitor; }

    /** Marks a replication link ("master" or "replica"); null for an ordinary client. */
    public void replicaType(String t) { replicaType = t; }

    /** The flags letters of CLIENT LIST, in Redis 7.0's order. */
    public String flagString() {
        StringBuilder f = new StringBuilder();
        if (monitor) f.append('O');
        else if ("replica".equals(replicaType)) f.append('S');
        if ("master".equals(replicaType)) f.append('M');
        if (pubsub) f.append('P');
        if (multiQueued >= 0) f.append('x');
        if (blocked) f.append('b');
        if (closeAfterReply) f.append('c');
        if (readonly) f.append('r');
        if (noEvict) f.append('e');
        if (f.length() == 0) f.append('N');
        return f.toString();
    }

    /** One line of CLIENT LIST / CLIENT INFO (without the newline), with Redis 7.0's fields. */
    public String infoLine() {
        long now = System.currentTimeMillis();
        int rbs = replyPeak <= 1024 ? 1024 : Math.min(16384, Integer.highestOneBit(replyPeak - 1) << 1);
        long omem = pendingOutputBytes();
        // Our share of memory: buffers plus a fixed per-connection overhead (channel, handler, state).
        long totMem = 1024 + queryBufferBytes + queryBufferFree + argvMem + multiMem + rbs + omem;
        StringBuilder sb = new StringBuilder(256);
        sb.append("id=").append(id)
          .append(" addr=").append(addr())
          .append(" laddr=").append(laddr())
          .append(" fd=").append(fd())
          .append(" name=").append(name == null ? "" : new String(name, java.nio.charset.StandardCharsets.ISO_8859_1))
          .append(" age=").append((now - createdMs) / 1000)
          .append(" idle=").append((now - lastInteractionMs) / 1000)
          .append(" flags=").append(flagString())
          .append(" db=").append(dbIndex)
          .append(" sub=").append(subscriptions)
          .append(" psub=").append(patternSubscriptions)
          .append(" ssub=").append(shardSubscriptions)
          .append(" multi=").append(multiQueued)
          .append(" qbuf=").append(queryBufferBytes)
          .append(" qbuf-free=").append(queryBufferFree)
          .append(" argv-mem=").append(argvMem)
          .append(" multi-mem=").append(multiMem)
          .append(" rbs=").append(rbs)
          .append(" rbp=").append(replyPeak)
          .append(" obl=0")
          .append(" oll=").append(pendingOutputMessages())
          .append(" omem=").append(omem)
          .append(" tot-mem=").append(totMem)
          .append(" events=").append(channel != null && !channel.isWritable() ? "rw" : "r")
          .append(" cmd=").append(lastCommand)
          .append(" user=").append(user)
          .append(" redir=-1")
          .append(" resp=").append(reply.proto());
        return sb.toString();
    }

    /** Closes the connection now (CLIENT KILL, timeouts); it leaves the client list at once. */
    public void kill() {
        server.removeClient(this);
        if (channel != null) channel.close();
    }
}
