package dev.hyrouter.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/** The generated key carries its public point, is the certificate's key, and a key that has the point is kept. */
class SelfSignedCertificateTest {

    @Test
    void theGeneratedKeyCarriesTheCertificatesPublicPointAndSignsForIt() throws Exception {
        SelfSignedCertificate self = SelfSignedCertificate.generate("hyrouter.local", Duration.ofDays(1));
        ECPrivateKey ec = ECPrivateKey.getInstance(PrivateKeyInfo.getInstance(self.key().getEncoded()).parsePrivateKey());
        assertThat(ec.getPublicKey()).isNotNull();
        assertThat(ec.getPublicKey().getOctets())
                .isEqualTo(SubjectPublicKeyInfo.getInstance(self.certificate().getPublicKey().getEncoded()).getPublicKeyData().getOctets());
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(self.key());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(self.certificate());
        s.update(new byte[] {1, 2, 3});
        assertThat(s.verify(sig)).isTrue();
    }

    @Test
    void aKeyThatAlreadyHasItsPointIsReturnedAsItIs() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        var pair = g.generateKeyPair();
        var once = SelfSignedCertificate.withPublicKey(pair.getPrivate(), pair.getPublic());
        assertThat(once.getEncoded()).isNotEqualTo(pair.getPrivate().getEncoded());
        assertThat(SelfSignedCertificate.withPublicKey(once, pair.getPublic())).isSameAs(once);
    }

    @Test
    void theValidityIsTheRequestedOneToTheSecond() throws Exception {
        java.time.Instant before = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        SelfSignedCertificate self = SelfSignedCertificate.generate("hyrouter.local", Duration.ofDays(30));
        java.time.Instant after = java.time.Instant.now();
        assertThat(self.certificate().getNotBefore().toInstant()).isBetween(before.minus(Duration.ofMinutes(5)), after.minus(Duration.ofMinutes(5)));
        assertThat(self.certificate().getNotAfter().toInstant()).isBetween(before.plus(Duration.ofDays(30)), after.plus(Duration.ofDays(30)));
        self.certificate().checkValidity();
    }

    @Test
    void timesAreUtcTimeThrough2049AndGeneralizedTimeFrom2050() throws Exception {
        assertThat(SelfSignedCertificate.time(java.time.Instant.parse("2049-12-31T23:59:59Z")).toASN1Primitive())
                .isInstanceOf(org.bouncycastle.asn1.ASN1UTCTime.class);
        assertThat(SelfSignedCertificate.time(java.time.Instant.parse("2049-12-31T23:59:59Z")).getDate().toInstant())
                .isEqualTo(java.time.Instant.parse("2049-12-31T23:59:59Z"));
        assertThat(SelfSignedCertificate.time(java.time.Instant.parse("2050-01-02T03:04:05Z")).toASN1Primitive())
                .isInstanceOf(org.bouncycastle.asn1.ASN1GeneralizedTime.class);
        assertThat(SelfSignedCertificate.time(java.time.Instant.parse("2050-01-02T03:04:05Z")).getDate().toInstant())
                .isEqualTo(java.time.Instant.parse("2050-01-02T03:04:05Z"));
        assertThat(SelfSignedCertificate.time(java.time.Instant.parse("2027-03-09T08:07:06.900Z")).getDate().toInstant())
                .isEqualTo(java.time.Instant.parse("2027-03-09T08:07:06Z"));
    }
}
