package dev.hyrouter.plugins.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginStage;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugins.sdk.PluginGrpc;
import dev.hyrouter.server.tls.SelfSignedCertificate;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grpc.tls: the plugin server's certificate is verified against ca_file and server_name. */
class GrpcTlsTest {
    @Test
    void callsGoOverTlsToAVerifiedServer(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate("plugin.internal", Duration.ofHours(1));
        Path certFile = Files.writeString(dir.resolve("plugin.pem"), cert.certificatePem());
        Path keyFile = Files.writeString(dir.resolve("plugin.key"), cert.privateKeyPem());
        ServerServiceDefinition service = ServerServiceDefinition.builder(PluginGrpc.SERVICE)
                .addMethod(PluginGrpc.ON_CONNECT, ServerCalls.asyncUnaryCall((req, obs) -> {
                    obs.onNext(ConnectResponse.denyWith("over tls"));
                    obs.onCompleted();
                })).build();
        Server server = NettyServerBuilder.forPort(0).sslContext(GrpcSslContexts.forServer(certFile.toFile(), keyFile.toFile()).build())
                .addService(service).build().start();
        try {
            PluginConfig.GrpcSettings d = PluginConfig.GrpcSettings.of("127.0.0.1:" + server.getPort());
            GrpcPlugin trusted = GrpcPlugin.connect(new PluginConfig("tls", PluginConfig.PluginType.GRPC, PluginStage.DENY, List.of(), List.of(),
                    Duration.ofSeconds(5), new PluginConfig.GrpcSettings(d.address(), 1, true, certFile.toString(), "plugin.internal",
                            d.keepaliveTime(), d.keepaliveTimeout(), 0, d.breakerCooldown()), null, 1));
            try {
                assertThat(trusted.onConnect(GrpcPluginTest.request("a", "b")).toCompletableFuture().get(10, TimeUnit.SECONDS).denyReason())
                        .isEqualTo("over tls");
            } finally {
                trusted.close();
            }
            // Without the CA the JVM's trust store rejects the self-signed certificate.
            GrpcPlugin untrusted = GrpcPlugin.connect(new PluginConfig("tls2", PluginConfig.PluginType.GRPC, PluginStage.DENY, List.of(),
                    List.of(), Duration.ofSeconds(5), new PluginConfig.GrpcSettings(d.address(), 1, true, "", "plugin.internal",
                            d.keepaliveTime(), d.keepaliveTimeout(), 0, d.breakerCooldown()), null, 1));
            try {
                assertThatThrownBy(() -> untrusted.onConnect(GrpcPluginTest.request("a", "b")).toCompletableFuture().get(10, TimeUnit.SECONDS))
                        .hasMessageContaining("UNAVAILABLE");
            } finally {
                untrusted.close();
            }
        } finally {
            server.shutdownNow();
        }
    }
}
