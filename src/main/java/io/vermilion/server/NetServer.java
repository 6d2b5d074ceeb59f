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
 * The node's event loop and its listening sockets. One event loop thread does everything: accepts,
 * reads, runs commands, writes, and runs timers (server cron, cluster cron) — Redis's model, so the
 * keyspace needs no locks. Native epoll on Linux, NIO elsewhere.
 */
public final class NetServer {
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelClass;
    private final List<Channel> listeners = new ArrayList<>();

    public NetServer(String threadName) {
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(false);
            return t;
        };
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(1, tf);
            channelClass = EpollServerSocketChannel.class;
        } else {
            group = new NioEventLoopGroup(1, tf);
            channelClass = NioServerSocketChannel.class;
        }
    }

    public EventLoopGroup group() { return group; }

    public io.netty.channel.EventLoop loop() { return group.next(); }

    public boolean nativeTransport() { return channelClass == EpollServerSocketChannel.class; }

    /** Binds the client port on each address (redis "bind"). */
    public void listen(Server server, List<String> addresses, int port, int backlog) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
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
        for (String addr : addresses) {
            boolean optional = addr.startsWith("-");
            String host = optional ? addr.substring(1) : addr;
            if (host.equals("*")) host = "0.0.0.0";
            else if (host.equals("::*")) host = "::";
            try {
                listeners.add(b.bind(new InetSocketAddress(host, port)).sync().channel());
            } catch (Exception e) {
                if (!optional) throw e;
            }
        }
    }

    public int boundPort() {
        return listeners.isEmpty() ? -1 : ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
    }

    public void close() {
        for (Channel c : listeners) c.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
