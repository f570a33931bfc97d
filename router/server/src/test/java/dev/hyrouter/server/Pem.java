package dev.hyrouter.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Reads the fixed test certificates and keys from the class path. */
public final class Pem {
    private Pem() {
    }

    public static X509Certificate certificate(String resource) throws IOException, GeneralSecurityException {
        try (InputStream in = open(resource)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** A PKCS#8 ({@code BEGIN PRIVATE KEY}) EC key. */
    public static PrivateKey ecPrivateKey(String resource) throws IOException, GeneralSecurityException {
        String text;
        try (InputStream in = open(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        String body = text.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = Pem.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("test resource " + resource + " is missing");
        }
        return in;
    }
}
