package dev.hyrouter.server.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A short-lived self-signed certificate for development, used when no {@code tls.cert_file} is
 * configured. The key is ECDSA P-256: quiche- and Kwik-based clients abort a handshake with the
 * Ed25519 certificate the Go original generates.
 */
public final class SelfSignedCertificate {
    private final PrivateKey key;
    private final X509Certificate certificate;

    private SelfSignedCertificate(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    public static SelfSignedCertificate generate(String commonName, Duration validity) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=" + commonName);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    time(now.minus(Duration.ofMinutes(5))), time(now.plus(validity)), name, pair.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, commonName)));
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return new SelfSignedCertificate(withPublicKey(pair.getPrivate(), pair.getPublic()),
                    new JcaX509CertificateConverter().getCertificate(holder));
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate a self-signed ECDSA P-256 certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A certificate's time, built from its DER encoding: BouncyCastle's {@code Date} constructors
     * format through {@code SimpleDateFormat}, whose calendar loads the JDK's locale data, about 5 %
     * of the main thread's start-up on one core (perf-reports/loadtest/2026-12-05-warm-start.md,
     * session 23). RFC 5280, 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, in UTC, to
     * the second.
     */
    static Time time(Instant instant) throws java.io.IOException {
        java.time.ZonedDateTime t = instant.atZone(java.time.ZoneOffset.UTC);
        boolean utc = t.getYear() < 2050;
        StringBuilder text = new StringBuilder(15);
        if (utc) {
            twoDigits(text, t.getYear() % 100);
        } else {
            twoDigits(text, t.getYear() / 100);
            twoDigits(text, t.getYear() % 100);
        }
        twoDigits(text, t.getMonthValue());
        twoDigits(text, t.getDayOfMonth());
        twoDigits(text, t.getHour());
        twoDigits(text, t.getMinute());
        twoDigits(text, t.getSecond());
        text.append('Z');
        byte[] ascii = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] der = new byte[2 + ascii.length];
        der[0] = (byte) (utc ? 0x17 : 0x18);
        der[1] = (byte) ascii.length;
        System.arraycopy(ascii, 0, der, 2, ascii.length);
        return Time.getInstance(ASN1Primitive.fromByteArray(der));
    }

    private static void twoDigits(StringBuilder out, int value) {
        out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /**
     * The same EC key, its PKCS#8 encoding carrying the public point too (RFC 5915's optional
     * {@code publicKey}), as OpenSSL writes keys. Netty's QUIC TLS hands BoringSSL the key's
     * encoding at every handshake; without the point BoringSSL derives it with a scalar
     * multiplication each time (16.4 µs instead of 11.5 µs of CPU per handshake here; {@code bench/run.sh TlsKey}).
     * The JDK's generator leaves it out; a key that already has it is returned as it is.
     */
    static PrivateKey withPublicKey(PrivateKey key, PublicKey publicKey) throws Exception {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey ec = ECPrivateKey.getInstance(info.parsePrivateKey());
        if (ec.getPublicKey() != null) {
            return key;
        }
        ASN1BitString point = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getPublicKeyData();
        ECPrivateKey withPoint = new ECPrivateKey(256, ec.getKey(), new DERBitString(point.getBytes(), point.getPadBits()), null);
        byte[] der = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), withPoint).getEncoded();
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    public PrivateKey key() {
        return key;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate as PEM, as {@code tls.cert_file} takes it. */
    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key as PKCS#8 PEM, as {@code tls.key_file} takes it. */
    public String privateKeyPem() {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
