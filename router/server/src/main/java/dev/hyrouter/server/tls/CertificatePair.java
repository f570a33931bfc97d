package dev.hyrouter.server.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A PEM certificate chain and its private key, read from {@code tls.cert_file} and
 * {@code tls.key_file} and checked before the router serves with them: both parse, the chain's
 * first certificate is in its validity period, and the key signs what the certificate's public key
 * verifies (a renewed certificate mounted beside the old key fails here, not in every handshake).
 * Errors name the file and the rule.
 */
public record CertificatePair(List<X509Certificate> chain, PrivateKey key, String fingerprint, byte[] contentHash) {

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** SHA-256 over both files' bytes: what changes when either file does. */
    public static byte[] hashFiles(Path cert, Path key) throws IOException {
        MessageDigest d = sha256();
        d.update(Files.readAllBytes(cert));
        d.update((byte) 0);
        d.update(Files.readAllBytes(key));
        return d.digest();
    }

    /** Reads and checks the pair; throws {@link IllegalStateException} naming the file and what is wrong. */
    public static CertificatePair load(Path certFile, Path keyFile) {
        byte[] certBytes;
        byte[] keyBytes;
        try {
            certBytes = Files.readAllBytes(certFile);
        } catch (IOException e) {
            throw new IllegalStateException("tls.cert_file " + certFile + " cannot be read (" + e + ")");
        }
        try {
            keyBytes = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw new IllegalStateException("tls.key_file " + keyFile + " cannot be read (" + e + ")");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(new String(certBytes, StandardCharsets.US_ASCII)))) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(conv.getCertificate(h));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalStateException("tls.cert_file " + certFile + " is not a PEM certificate chain (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new IllegalStateException("tls.cert_file " + certFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key;
        try (PEMParser p = new PEMParser(new StringReader(new String(keyBytes, StandardCharsets.US_ASCII)))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                key = conv.getPrivateKey(kp.getPrivateKeyInfo());
            } else if (o instanceof PrivateKeyInfo info) {
                key = conv.getPrivateKey(info);
            } else {
                throw new IllegalStateException("tls.key_file " + keyFile + " holds no unencrypted PEM private key"
                        + (o == null ? "" : " (found " + o.getClass().getSimpleName() + ")"));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException ise && ise.getMessage().startsWith("tls.key_file")) {
                throw ise;
            }
            throw new IllegalStateException("tls.key_file " + keyFile + " is not a PEM private key (" + e.getMessage() + ")");
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            throw new IllegalStateException("tls.cert_file " + certFile + ": the certificate is not valid now (not before "
                    + leaf.getNotBefore().toInstant() + ", not after " + leaf.getNotAfter().toInstant() + ")");
        }
        if (!matches(key, leaf)) {
            throw new IllegalStateException("tls.key_file " + keyFile + " is not the key of the certificate in " + certFile
                    + " (" + leaf.getSubjectX500Principal().getName() + "): install the key that was issued with it");
        }
        MessageDigest d = sha256();
        d.update(certBytes);
        d.update((byte) 0);
        d.update(keyBytes);
        byte[] contentHash = d.digest();
        String fingerprint;
        try {
            fingerprint = HexFormat.of().formatHex(sha256().digest(leaf.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("tls.cert_file " + certFile + ": " + e.getMessage());
        }
        return new CertificatePair(List.copyOf(chain), key, fingerprint, contentHash);
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null || !cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())
                && !(alg.equals("SHA256withECDSA") && cert.getPublicKey().getAlgorithm().startsWith("EC"))) {
            return false;
        }
        try {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(nonce);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(nonce);
            return v.verify(sig);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
