package dev.hyrouter.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;

/**
 * The server's key manager (an in-memory store instead of Netty's PKCS#12 one): it offers the
 * certificate only for the key type it holds, as the handshake's choice of signature needs, and
 * hands back the same key and chain.
 */
class ServerKeyManagerTest {
    private static X509ExtendedKeyManager of(java.security.PrivateKey key, X509Certificate... chain) {
        return (X509ExtendedKeyManager) ServerTls.keyManager(key, chain).getKeyManagers()[0];
    }

    @Test
    void anEcKeyServesEcHandshakesOnly() {
        SelfSignedCertificate self = SelfSignedCertificate.generate("hyrouter.local", Duration.ofDays(1));
        X509ExtendedKeyManager km = of(self.key(), self.certificate());
        String alias = km.chooseEngineServerAlias("EC", null, null);
        assertThat(alias).isNotNull();
        assertThat(km.chooseEngineServerAlias("RSA", null, null)).isNull();
        assertThat(km.getPrivateKey(alias).getEncoded()).isEqualTo(self.key().getEncoded());
        assertThat(km.getCertificateChain(alias)).containsExactly(self.certificate());
    }

    @Test
    void anRsaKeyServesRsaHandshakesOnly() throws Exception {
        Path cert = Path.of(ServerKeyManagerTest.class.getResource("/tls/large-rsa.crt").toURI());
        Path key = Path.of(ServerKeyManagerTest.class.getResource("/tls/large-rsa.key").toURI());
        CertificatePair pair = CertificatePair.load(cert, key);
        X509ExtendedKeyManager km = of(pair.key(), pair.chain().toArray(new X509Certificate[0]));
        String alias = km.chooseEngineServerAlias("RSA", null, null);
        assertThat(alias).isNotNull();
        assertThat(km.chooseEngineServerAlias("EC", null, null)).isNull();
        assertThat(km.getCertificateChain(alias)).containsExactlyElementsOf(pair.chain());
    }
}
