package dev.hyrouter.plugins.sdk.example;

import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugins.sdk.PluginServer;
import dev.hyrouter.routing.Backend;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The example gRPC plugin server, behaving like the original's: deny the username {@code deny}
 * ("denied by grpc plugin"); refer an SNI containing {@code grpc} to {@code play.hyvane.com:5520};
 * always set the referral content {@code grpc-plugin}.
 *
 * <pre>plugins/examples/grpc-plugin/run [--listen 127.0.0.1:7777]</pre>
 */
public final class ExamplePluginServer {
    private static final byte[] CONTENT = "grpc-plugin".getBytes(StandardCharsets.UTF_8);
    private static final Backend GRPC_BACKEND = new Backend("play.hyvane.com", 5520);

    private ExamplePluginServer() {
    }

    /** The example's decision, usable on its own. */
    public static ConnectResponse decide(ConnectRequest request) {
        if ("deny".equalsIgnoreCase(request.event().username())) {
            return ConnectResponse.denyWith("denied by grpc plugin");
        }
        Backend backend = request.event().sni().toLowerCase(Locale.ROOT).contains("grpc") ? GRPC_BACKEND : null;
        return ConnectResponse.EMPTY.withBackend(backend).withReferralContent(CONTENT);
    }

    public static void main(String[] args) throws Exception {
        String listen = "127.0.0.1:7777";
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--listen") || args[i].equals("-listen")) && i + 1 < args.length) {
                listen = args[++i];
            } else if (args[i].startsWith("--listen=") || args[i].startsWith("-listen=")) {
                listen = args[i].substring(args[i].indexOf('=') + 1);
            } else {
                System.err.println("usage: ExamplePluginServer [--listen host:port]");
                System.exit(2);
            }
        }
        int colon = listen.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        PluginServer server = PluginServer.startNonBlocking(address, ExamplePluginServer::decide);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("example gRPC plugin listening on " + listen + " (hyrouter.Plugin/OnConnect, JSON)");
        server.awaitTermination();
    }
}
