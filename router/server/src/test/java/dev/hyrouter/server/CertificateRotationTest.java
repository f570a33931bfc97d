package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.ClosedLoop;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.server.tls.SelfSignedCertificate;
import dev.hyrouter.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates rotate without a restart: new files on disk (written as cert-manager's Secret
 * update does, by replacing them) serve the next handshakes while a load runs with no failed
 * session; a broken pair is refused and the old one serves on; a reload may name other files.
 * Each client handshake reports the certificate the router presented.
 */
class CertificateRotationTest {
    private static final String ROUTING = "limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}\n"
            + "routing:\n  default: {strategy: random, backends: [{host: lobby.internal, port: 5520}]}\n";

    @TempDir
    Path dir;
    private RouterServer server;
    private HytaleClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void write(Path file, String text) throws Exception {
        // Replaced, not rewritten in place: a reader never sees half a file (a Secret's update swaps too).
        Path tmp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }

    private String presented() throws Exception {
        SessionResult r = client.run(ClientRequest.to(server.address(), "play.example.com").withTimeout(Duration.ofSeconds(30)))
                .get(60, TimeUnit.SECONDS);
        assertThat(r.answer().isReferral()).isTrue();
        return fingerprint((X509Certificate) r.tls().getPeerCertificates()[0]);
    }

    private Path start(Path cert, Path key) throws Exception {
        Path config = Files.writeString(dir.resolve("hyrouter.yaml"), "listen: \"127.0.0.1:0\"\ntls:\n  cert_file: \"" + cert
                + "\"\n  key_file: \"" + key + "\"\n" + ROUTING);
        server = RouterServer.start(ConfigLoader.load(config), Map.of(), DiscoveryResolver.NONE);
        client = HytaleClient.create(2);
        return config;
    }

    @Test
    void newFilesServeTheNextHandshakesWhileALoadRunsWithoutAFailure() throws Exception {
        SelfSignedCertificate a = SelfSignedCertificate.generate("router.example.com", Duration.ofDays(30));
        SelfSignedCertificate b = SelfSignedCertificate.generate("router.example.com", Duration.ofDays(90));
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        write(cert, a.certificatePem());
        write(key, a.privateKeyPem());
        start(cert, key);
        assertThat(presented()).isEqualTo(fingerprint(a.certificate()));

        // A load across the rotation: every session must be answered.
        AtomicInteger failures = new AtomicInteger();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        CompletableFuture<?> load = ClosedLoop.run(1500, 8,
                () -> client.run(ClientRequest.to(server.address(), "play.example.com").withTimeout(Duration.ofSeconds(30))),
                (SessionResult s, Throwable e, long nanos) -> {
                    if (e != null || !s.answer().isReferral()) {
                        failures.incrementAndGet();
                        return;
                    }
                    try {
                        seen.merge(fingerprint((X509Certificate) s.tls().getPeerCertificates()[0]), 1, Integer::sum);
                    } catch (Exception x) {
                        failures.incrementAndGet();
                    }
                });
        Await.until("some sessions on the old certificate", () -> seen.getOrDefault(fingerprintQuietly(a), 0) >= 50);
        write(key, b.privateKeyPem());
        write(cert, b.certificatePem());
        Await.until("the rotation", () -> server.intake().certificates().rotations() >= 1);
        load.get(5, TimeUnit.MINUTES);

        assertThat(failures.get()).as("sessions failed across the rotation").isZero();
        assertThat(presented()).isEqualTo(fingerprint(b.certificate()));
        assertThat(seen).containsKeys(fingerprint(a.certificate()));
        assertThat(server.intake().certificates().notAfter()).isEqualTo(b.certificate().getNotAfter().toInstant());
    }

    private static String fingerprintQuietly(SelfSignedCertificate c) {
        try {
            return fingerprint(c.certificate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBrokenPairIsRefusedAndTheOldOneServesOn() throws Exception {
        SelfSignedCertificate a = SelfSignedCertificate.generate("router.example.com", Duration.ofDays(30));
        SelfSignedCertificate b = SelfSignedCertificate.generate("router.example.com", Duration.ofDays(30));
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        write(cert, a.certificatePem());
        write(key, a.privateKeyPem());
        start(cert, key);
        // A renewed certificate beside the old key: the pair does not match.
        write(cert, b.certificatePem());
        Await.until("the broken pair counted", () -> server.intake().certificates().failures() >= 1);
        assertThat(server.intake().certificates().rotations()).isZero();
        assertThat(presented()).isEqualTo(fingerprint(a.certificate()));
        // Then not PEM at all: still the old one, reported once per content.
        write(cert, "not a certificate\n");
        Await.until("the second broken content counted", () -> server.intake().certificates().failures() >= 2);
        assertThat(presented()).isEqualTo(fingerprint(a.certificate()));
        // Fixed: the matching key arrives, the new certificate serves.
        write(key, b.privateKeyPem());
        write(cert, b.certificatePem());
        Await.until("the rotation", () -> server.intake().certificates().rotations() >= 1);
        assertThat(presented()).isEqualTo(fingerprint(b.certificate()));
    }

    @Test
    void aReloadMayNameOtherFilesAndIsRefusedWhenTheyAreBroken() throws Exception {
        SelfSignedCertificate a = SelfSignedCertificate.generate("router.example.com", Duration.ofDays(30));
        SelfSignedCertificate b = SelfSignedCertificate.generate("router.example.com", Duration.ofDays(30));
        Path certA = dir.resolve("a.crt");
        Path keyA = dir.resolve("a.key");
        write(certA, a.certificatePem());
        write(keyA, a.privateKeyPem());
        Path config = start(certA, keyA);
        Path certB = dir.resolve("b.crt");
        Path keyB = dir.resolve("b.key");
        write(certB, b.certificatePem());
        write(keyB, a.privateKeyPem());
        Files.writeString(config, Files.readString(config).replace(certA.toString(), certB.toString()).replace(keyA.toString(),
                keyB.toString()));
        RouterServer.ReloadResult refused = server.reload();
        assertThat(refused.ok()).isFalse();
        assertThat(refused.message()).contains("tls.key_file").contains(keyB.toString()).contains("is not the key of the certificate");
        assertThat(presented()).isEqualTo(fingerprint(a.certificate()));

        write(keyB, b.privateKeyPem());
        assertThat(server.reload().ok()).isTrue();
        assertThat(presented()).isEqualTo(fingerprint(b.certificate()));
    }
}
