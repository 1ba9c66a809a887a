package dev.picspace.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP relay in front of a server that counts the bytes the server sent back: how tests
 * see what crossed the network between picspace and its object store (a Range request must cost
 * its range, not the whole object). Each connection gets two relay threads; closing either side
 * closes both.
 */
public final class CountingTcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicLong fromServer = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    public CountingTcpProxy(URI target) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public URI uri() { return URI.create("http://127.0.0.1:" + listener.getLocalPort()); }

    /** Bytes the server has sent through this proxy so far. */
    public long bytesFromServer() { return fromServer.get(); }

    public long connections() { return connections.get(); }

    public void reset() { fromServer.set(0); }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                connections.incrementAndGet();
                relay(client, server, null);
                relay(server, client, fromServer);
            } catch (IOException e) {
                if (!closed) continue;
                return;
            }
        }
    }

    private static void relay(Socket from, Socket to, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (counter != null) counter.addAndGet(n);
                    out.write(buffer, 0, n);
                }
            } catch (IOException ignored) {
                // one side went away: the finally closes the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-relay");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
