package dev.hyrouter.plugins.grpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback TCP port where nothing listens and nothing else can start listening while this is
 * open: the port is bound by a socket that never listens, so connecting to it is refused at once.
 * (Finding a "free" port by opening and closing a server socket leaves it up for grabs.)
 */
final class ClosedPort implements AutoCloseable {
    private final Socket holder = new Socket();

    ClosedPort() throws IOException {
        holder.bind(new InetSocketAddress("127.0.0.1", 0));
    }

    int port() {
        return holder.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() throws IOException {
        holder.close();
    }
}
