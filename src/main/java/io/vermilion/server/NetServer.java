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
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The node's event loop and its listening sockets. One event loop thread does everything for the
 * clients: reads, runs commands, writes, and runs timers (server cron, cluster cron) — Redis's
 * model, so the keyspace needs no locks. Native epoll on Linux, NIO elsewhere.
 *
 * <p>The listening sockets live on a second, accept-only thread: accepted connections are handed
 * to the command thread at once, and the command thread can (re)bind listeners synchronously for
 * CONFIG SET port/bind without waiting on itself.
 */
public final class NetServer {
    private final EventLoopGroup group;
    private final EventLoopGroup acceptGroup;
    private final Class<? extends ServerChannel> channelClass;
    private final List<Channel> listeners = new ArrayList<>();
    private ServerBootstrap bootstrap;
    private List<String> boundAddresses = List.of();
    private int boundPort;

    public NetServer(String threadName) {
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(false);
            return t;
        };
        ThreadFactory acceptTf = r -> {
            Thread t = new Thread(r, threadName + "-accept");
            t.setDaemon(true);
            return t;
        };
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(1, tf);
            acceptGroup = new EpollEventLoopGroup(1, acceptTf);
            channelClass = EpollServerSocketChannel.class;
        } else {
            group = new NioEventLoopGroup(1, tf);
            acceptGroup = new NioEventLoopGroup(1, acceptTf);
            channelClass = NioServerSocketChannel.class;
        }
    }

    public EventLoopGroup group() { return group; }

    public io.netty.channel.EventLoop loop() { return group.next(); }

    public boolean nativeTransport() { return channelClass == EpollServerSocketChannel.class; }

    /** Binds the client port on each address (redis "bind"). */
    public void listen(Server server, List<String> addresses, int port, int backlog) throws InterruptedException {
        bootstrap = new ServerBootstrap()
                .group(acceptGroup, group)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ClientHandler(server));
                    }
                });
        List<Channel> bound = bindAll(addresses, port, null);
        listeners.addAll(bound);
        boundAddresses = List.copyOf(addresses);
        boundPort = port;
    }

    /**
     * Binds every address ("-addr" is optional: failing to bind it is not an error). On a
     * failure the channels bound so far are closed and the exception is thrown.
     */
    private List<Channel> bindAll(List<String> addresses, int port, Server server) throws InterruptedException {
        List<Channel> bound = new ArrayList<>();
        for (String addr : addresses) {
            boolean optional = addr.startsWith("-");
            String host = optional ? addr.substring(1) : addr;
            if (host.equals("*")) host = "0.0.0.0";
            else if (host.equals("::*")) host = "::";
            try {
                bound.add(bootstrap.bind(new InetSocketAddress(host, port)).sync().channel());
            } catch (Exception e) {
                if (server != null) {
                    server.log().warning("Warning: Could not create server TCP listening socket " + host + ":" + port
                            + ": bind: " + e.getMessage());
                }
                if (!optional) {
                    for (Channel c : bound) c.close().syncUninterruptibly();
                    throw e;
                }
            }
        }
        return bound;
    }

    /**
     * CONFIG SET port / bind: listens on the new addresses and port instead of the old ones.
     * Returns false (with the old listeners back in place) when the new ones cannot be bound.
     * Client connections already accepted are not touched.
     */
    public boolean rebind(Server server, List<String> addresses, int port) {
        if (bootstrap == null) return true;
        for (Channel c : listeners) c.close().syncUninterruptibly();
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
        acceptGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
