package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.server.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tls.cert_file / tls.key_file: a PEM certificate and PKCS#8 key serve real QUIC clients. */
class PemCertificateTest {
    @Test
    void servesWithAConfiguredCertificate(@TempDir Path dir) throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.generate("router.example.com", Duration.ofHours(1));
        Path cert = Files.writeString(dir.resolve("tls.crt"), c.certificatePem());
        Path key = Files.writeString(dir.resolve("tls.key"), c.privateKeyPem());
        String yaml = "tls:\n  cert_file: \"" + cert + "\"\n  key_file: \"" + key + "\"\n"
                + "routing:\n  default: {strategy: random, backends: [{host: lobby.internal, port: 5520}]}\n";
        try (TestRouter r = TestRouter.start(yaml)) {
            assertThat(r.run("play.example.com").answer().host()).isEqualTo("lobby.internal");
        }
    }

    @Test
    void aMissingKeyFileStopsStartUpWithItsName(@TempDir Path dir) throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.generate("router.example.com", Duration.ofHours(1));
        Path cert = Files.writeString(dir.resolve("tls.crt"), c.certificatePem());
        String yaml = "listen: \"127.0.0.1:0\"\ntls:\n  cert_file: \"" + cert + "\"\n  key_file: \"" + dir.resolve("missing.key") + "\"\n"
                + "routing:\n  default: {strategy: random, backends: [{host: lobby.internal, port: 5520}]}\n";
        assertThatThrownBy(() -> RouterServer.start(ConfigLoader.parse(yaml, "t.yaml", false)))
                .hasMessageContaining("tls.key_file").hasMessageContaining("missing.key");
    }
}
