package dev.hyrouter.loadtest;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Opens COUNT QUIC connections to a router and keeps them open without sending a Connect (the
 * router holds each until its connect deadline), for measuring memory per live connection
 * ({@code loadtest/run.sh memory}). Opens them 50 per 100 ms (500/s, well below capacity), so
 * the router is not measured under a handshake storm; the caller watches the router's
 * {@code hyrouter_connections_open}. Waits until killed or HOLD_SECONDS pass.
 *
 * <p>Usage: {@code HoldConnections HOST:PORT COUNT HOLD_SECONDS}
 */
public final class HoldConnections {
    private HoldConnections() {
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        int count = Integer.parseInt(args[1]);
        long holdSeconds = Long.parseLong(args[2]);
        List<CompletableFuture<SessionResult>> held = new ArrayList<>(count);
        try (HytaleClient client = HytaleClient.create(2)) {
            for (int i = 0; i < count; i++) {
                ClientRequest r = ClientRequest.to(target, "play.localhost").withSilence().withTimeout(Duration.ofSeconds(holdSeconds));
                held.add(client.run(r));
                if (i % 50 == 49) {
                    Thread.sleep(100);
                }
            }
            System.out.println("opened " + count);
            System.out.flush();
            Thread.sleep(holdSeconds * 1000);
        }
    }
}
