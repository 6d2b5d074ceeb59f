package io.vermilion.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out TCP ports for test servers. Ports come from 20000..21999 so that the cluster bus port
 * (port + 10000) stays below 32768: above it the kernel's ephemeral ports for outgoing
 * connections can collide with bus ports at random. Both the port and its bus port must be free.
 */
public final class Ports {
    private static final int FIRST = 20000;
    private static final int LAST = 21999;
    // Different forked test JVMs start at different offsets so they rarely race for a port.
    private static final AtomicInteger NEXT =
            new AtomicInteger(FIRST + (int) (ProcessHandle.current().pid() % 100) * 10);

    private Ports() {}

    public static synchronized int free() {
        for (int tries = 0; tries < (LAST - FIRST); tries++) {
            int p = NEXT.getAndIncrement();
            if (p > LAST) { NEXT.set(FIRST); p = NEXT.getAndIncrement(); }
            if (canBind(p) && canBind(p + 10000)) return p;
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + LAST);
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
