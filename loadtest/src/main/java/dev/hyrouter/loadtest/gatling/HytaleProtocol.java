package dev.hyrouter.loadtest.gatling;

import dev.hyrouter.client.HytaleClient;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The Hytale protocol for one simulation: where the router is and the one QUIC client (event
 * loops, TLS context, sockets) every virtual user shares. Built in the simulation, closed in its
 * {@code after()}; requests are made with {@link #hytale(String)}.
 */
public final class HytaleProtocol implements AutoCloseable {
    private final InetSocketAddress target;
    private final int clientThreads;
    private final Duration timeout;
    private volatile HytaleClient client;

    private HytaleProtocol(InetSocketAddress target, int clientThreads, Duration timeout) {
        this.target = target;
        this.clientThreads = clientThreads;
        this.timeout = timeout;
    }

    /** {@code host:port}; the client gets {@code clientThreads} event loops. */
    public static HytaleProtocol target(String hostPort, int clientThreads, Duration timeout) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("target must be HOST:PORT, not " + hostPort);
        }
        return new HytaleProtocol(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                clientThreads, timeout);
    }

    /** A Connect session named {@code name} in the reports: handshake, Connect, one answer. */
    public HytaleRequestBuilder hytale(String name) {
        return new HytaleRequestBuilder(this, name);
    }

    InetSocketAddress targetAddress() {
        return target;
    }

    Duration timeout() {
        return timeout;
    }

    HytaleClient client() {
        HytaleClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HytaleClient.create(clientThreads);
                    client = c;
                }
            }
        }
        return c;
    }

    @Override
    public void close() {
        HytaleClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
