package dev.hyrouter.bench;

import dev.hyrouter.server.tls.SelfSignedCertificate;
import io.netty.handler.codec.quic.BoringSslKeyParse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The server key's cost at every QUIC handshake: Netty encodes the key as PEM and BoringSSL parses
 * it (then signs with it). {@code jdk}: a P-256 key as the JDK's generator encodes it, without the
 * public point, which BoringSSL then derives by a scalar multiplication; {@code with_public_key}:
 * the router's generated key, which carries the point (as OpenSSL-written keys do).
 */
public class TlsKeyBenchmark extends SuiteDefaults {
    @Param({"jdk", "with_public_key"})
    public String key;

    private PrivateKey privateKey;

    @Setup
    public void setUp() throws Exception {
        if (key.equals("jdk")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            privateKey = g.generateKeyPair().getPrivate();
        } else {
            privateKey = SelfSignedCertificate.generate("bench.local", Duration.ofDays(1)).key();
        }
    }

    @Benchmark
    public long pemEncodeAndParse() {
        // As Netty does per handshake: PKCS#8 from the key, Base64 between PEM markers, BoringSSL's parse.
        byte[] body = Base64.getEncoder().encode(privateKey.getEncoded());
        byte[] head = "-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] pem = new byte[head.length + body.length + tail.length];
        System.arraycopy(head, 0, pem, 0, head.length);
        System.arraycopy(body, 0, pem, head.length, body.length);
        System.arraycopy(tail, 0, pem, head.length + body.length, tail.length);
        return BoringSslKeyParse.parseAndFree(pem);
    }
}
