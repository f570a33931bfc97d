package dev.hyrouter.server.quic;

import java.net.InetSocketAddress;

/** Parses the {@code listen} value ({@code :5520}, {@code 0.0.0.0:5520}, {@code [::1]:5520}). */
public final class ListenAddress {
    private ListenAddress() {
    }

    public static InetSocketAddress parse(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon);
        int port = Integer.parseInt(listen.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
