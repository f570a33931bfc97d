package io.netty.handler.codec.quic;

/**
 * For the benchmarks only: reaches Netty's package-private BoringSSL binding (same package on the
 * class path) to time the call Netty's QUIC TLS makes with the server's private key at every
 * handshake ({@code BoringSSLCertificateCallback} parses the key's PEM anew each time).
 */
public final class BoringSslKeyParse {
    static {
        Quic.ensureAvailability();
    }

    private BoringSslKeyParse() {
    }

    /** Parses a PEM private key as a handshake does, frees it, and returns the (stale) handle as a result to consume. */
    public static long parseAndFree(byte[] pem) {
        long key = BoringSSL.EVP_PKEY_parse(pem, null);
        if (key == 0) {
            throw new IllegalStateException("BoringSSL could not parse the key");
        }
        BoringSSL.EVP_PKEY_free(key);
        return key;
    }
}
