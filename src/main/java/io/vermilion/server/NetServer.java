package io.vermilion.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The node's event loop and its listening sockets. One event loop thread does everything for the
 * clients: reads, runs commands, writes, and runs timers (server cron, cluster cron) — Redis's
 * model, so the keyspace needs no locks. With io-threads N > 1 client connections are served by
 * N-1 more loops that read, parse and write while commands still run on the one thread. Native
 * epoll on Linux, NIO elsewhere.
 *
 * <p>CONFIG SET port/bind rebinds from the command thread itself, which cannot wait for its own
 * loop: the new listening sockets are bound synchronously with plain socket calls (so a failure is
 * known at once, as in Redis) and only then wrapped in Netty channels registered on the loop.
 */
public final class NetServer {
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelClass;
    private final List<Channel> listeners = new ArrayList<>();
    private ServerBootstrap bootstrap;
    private List<String> boundAddresses = List.of();
    private int boundPort;

    public NetServer(String threadName) {
        this(threadName, 1);
    }

    /**
     * {@code ioThreads} is the io-threads directive: 1 runs everything on the one event loop;
     * N > 1 adds N-1 I/O threads (the command thread counts as one, as in Redis) that own the
     * client connections: they read, parse and write, the command thread runs the commands
     * (see ClientHandler). Listeners, timers, the cluster bus and replication links stay on the
     * command thread's loop.
     */
    public NetServer(String threadName, int ioThreads) {
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(false);
            return t;
        };
        java.util.concurrent.atomic.AtomicInteger ioIndex = new java.util.concurrent.atomic.AtomicInteger(1);
        ThreadFactory ioTf = r -> {
            Thread t = new Thread(r, threadName + "-io-" + ioIndex.getAndIncrement());
            t.setDaemon(false);
            return t;
        };
        int extra = Math.max(0, ioThreads - 1);
        if (Epoll.isAvailable()) {
            long spin = Long.getLong("vermilion.busyPollMicros", 0);
            double minBusy = Double.parseDouble(System.getProperty("vermilion.busyPollMinBusy", "0.6"));
            group = spin > 0 ? new EpollEventLoopGroup(1, tf, SpinSelectStrategy.factory(spin, minBusy)) : new EpollEventLoopGroup(1, tf);
            ioGroup = extra == 0 ? group : new EpollEventLoopGroup(extra, ioTf);
            channelClass = EpollServerSocketChannel.class;
        } else {
            group = new NioEventLoopGroup(1, tf);
            ioGroup = extra == 0 ? group : new NioEventLoopGroup(extra, ioTf);
            channelClass = NioServerSocketChannel.class;
        }
    }

    private final EventLoopGroup ioGroup;

    public EventLoopGroup group() { return group; }

    public io.netty.channel.EventLoop loop() { return group.next(); }

    public boolean nativeTransport() { return channelClass == EpollServerSocketChannel.class; }

    /** Binds the client port on each address (redis "bind"). */
    public void listen(Server server, List<String> addresses, int port, int backlog) throws InterruptedException {
        this.server = server;
        this.backlog = backlog;
        bootstrap = base().channel(channelClass);
        // Port 0: no TCP listener at all, as in Redis (a node may listen on tls-port only).
        for (String addr : port == 0 ? List.<String>of() : addresses) {
            boolean optional = addr.startsWith("-");
            try {
                listeners.add(bootstrap.bind(new InetSocketAddress(host(addr), port)).sync().channel());
            } catch (Exception e) {
                if (!optional) throw e;
            }
        }
        boundAddresses = List.copyOf(addresses);
        boundPort = port;
    }

    private int backlog;
    private Server server;

    /** Everything about the listeners but their channel type. */
    private ServerBootstrap base() {
        return base(null);
    }

    /** As {@link #base()}, with {@code first} (if not null) adding handlers ahead of the client's (TLS). */
    private ServerBootstrap base(java.util.function.Consumer<SocketChannel> first) {
        Server srv = server;
        return new ServerBootstrap()
                .group(group, ioGroup)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (first != null) first.accept(ch);
                        ch.pipeline().addLast(new ClientHandler(srv));
                    }
                });
    }

    private static String host(String addr) {
        String host = addr.startsWith("-") ? addr.substring(1) : addr;
        if (host.equals("*")) return "0.0.0.0";
        if (host.equals("::*")) return "::";
        return host;
    }

    /**
     * Binds every address on the command thread ("-addr" is optional: failing to bind it is not
     * an error). On a failure the sockets bound so far are closed and the exception is thrown.
     */
    private List<Channel> bindAll(List<String> addresses, int port, Server server) throws IOException {
        return bindAll(addresses, port, server, null);
    }

    /**
     * Extra client listeners (the TLS port, see io.vermilion.net.tls) whose connections get
     * {@code first}'s handlers ahead of the client handler. Binds at once, on or off the loop;
     * throws (with nothing left bound) when a non-optional address cannot be bound.
     */
    public List<Channel> bindExtra(List<String> addresses, int port, java.util.function.Consumer<SocketChannel> first)
            throws IOException {
        return bindAll(addresses, port, server, first);
    }

    private List<Channel> bindAll(List<String> addresses, int port, Server server,
            java.util.function.Consumer<SocketChannel> first) throws IOException {
        List<Channel> bound = new ArrayList<>();
        for (String addr : addresses) {
            String host = host(addr);
            try {
                bound.add(boundChannel(new InetSocketAddress(host, port), first));
            } catch (IOException | RuntimeException e) {
                server.log().warning("Warning: Could not create server TCP listening socket " + host + ":" + port
                        + ": bind: " + e.getMessage());
                if (!addr.startsWith("-")) {
                    for (Channel c : bound) c.close();
                    throw e instanceof IOException io ? io : new IOException(e);
                }
            }
        }
        return bound;
    }

    /** A listening socket bound right now, wrapped in a channel registered on the loop. */
    private Channel boundChannel(InetSocketAddress address, java.util.function.Consumer<SocketChannel> first)
            throws IOException {
        Channel ch;
        if (nativeTransport()) {
            io.netty.channel.unix.Socket sock = io.netty.channel.unix.Socket.newSocketStream();
            try {
                sock.setReuseAddress(true);
                sock.bind(address);
                sock.listen(backlog);
            } catch (IOException | RuntimeException e) {
                sock.close();
                throw e;
            }
            ch = new EpollServerSocketChannel(sock.intValue());
        } else {
            java.nio.channels.ServerSocketChannel jdk = java.nio.channels.ServerSocketChannel.open();
            try {
                jdk.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                jdk.bind(address, backlog);
            } catch (IOException | RuntimeException e) {
                jdk.close();
                throw e;
            }
            ch = new NioServerSocketChannel(jdk);
        }
        Channel prebound = ch;
        // Registering from the loop itself completes at once; accepting starts with the channel.
        base(first).channelFactory(() -> (ServerChannel) prebound).register();
        return ch;
    }

    /**
     * CONFIG SET port / bind: listens on the new addresses and port instead of the old ones.
     * Returns false (with the old listeners back in place) when the new ones cannot be bound.
     * Client connections already accepted are not touched.
     */
    public boolean rebind(Server server, List<String> addresses, int port) {
        if (bootstrap == null) return true;
        for (Channel c : listeners) c.close(); // on the loop: the sockets close at once
        listeners.clear();
        try {
            // Port 0 means no TCP listener at all, as in Redis.
            if (port != 0) listeners.addAll(bindAll(addresses, port, server));
            boundAddresses = List.copyOf(addresses);
            boundPort = port;
            return true;
        } catch (Exception e) {
            try {
                if (boundPort != 0) listeners.addAll(bindAll(boundAddresses, boundPort, server));
            } catch (Exception again) {
                server.log().warning("Failed to restore the previous listeners: " + again.getMessage());
            }
            return false;
        }
    }

    public int boundPort() {
        return listeners.isEmpty() ? -1 : ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
    }

    public List<String> boundAddresses() {
        return boundAddresses;
    }

    /** The port the listeners were asked for (the port setting, 0 for none). */
    public int boundPortSetting() {
        return boundPort;
    }

    public void close() {
        for (Channel c : listeners) c.close().syncUninterruptibly();
        if (ioGroup != group) ioGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
