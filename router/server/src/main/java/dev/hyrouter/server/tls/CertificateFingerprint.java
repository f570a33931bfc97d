package dev.hyrouter.server.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** A client certificate's fingerprint as plugins see it: base64url (no padding) of SHA-256 of the leaf's DER. */
public final class CertificateFingerprint {
    private CertificateFingerprint() {
    }

    public static String of(byte[] der) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprint of the session's peer leaf certificate, or {@code ""} when there is none. */
    public static String ofPeer(SSLSession session) {
        if (session == null) {
            return "";
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length == 0 ? "" : of(chain[0].getEncoded());
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
            return "";
        }
    }
}
