package dev.hyrouter.server.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A server Initial packet carrying only CONNECTION_CLOSE (RFC 9000, sections 10.2.3 and 17.2.2):
 * how a server refuses a connection before the handshake without keeping any state. Initial
 * keys come from the client's Destination Connection ID (RFC 9001, section 5.2), so the packet
 * can be built from the client's first packet alone: no TLS, no quiche connection, and smaller
 * than the client's padded Initial, so it amplifies nothing.
 *
 * <p>Per event loop: one HMAC and two ciphers, re-keyed per refusal.
 */
final class StatelessClose {
    private static final byte[] INITIAL_SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    private static final int TAG_LENGTH = 16;
    private static final int PN_LENGTH = 1;
    /** Header protection samples 16 bytes starting 4 bytes after the packet number's start. */
    private static final int MIN_PROTECTED = 4 - PN_LENGTH + 16;

    private static final FastThreadLocal<Crypto> CRYPTO = new FastThreadLocal<>() {
        @Override
        protected Crypto initialValue() throws GeneralSecurityException {
            return new Crypto();
        }
    };

    private static final class Crypto {
        final Mac hmac = Mac.getInstance("HmacSHA256");
        Cipher aead = Cipher.getInstance("AES/GCM/NoPadding");
        final Cipher hp = Cipher.getInstance("AES/ECB/NoPadding");
        final byte[] plain = new byte[256];
        final byte[] sealed = new byte[256 + TAG_LENGTH];
        final byte[] header = new byte[64];
        /** What {@link #protect} left: bytes of {@link #header} and of {@link #sealed}. */
        int headerLength;
        int sealedLength;

        Crypto() throws GeneralSecurityException {
        }
    }

    private StatelessClose() {
    }

    /**
     * Builds (and drops) one refusal on the calling thread, run once on each event loop at start:
     * a thread's first refusal creates its ciphers, whose first use takes paths (provider
     * selection, a first key) that compiled code from another thread's warm-up assumed never
     * happen, so that first refusal would otherwise throw compiled code away in a rush.
     */
    static void prime(ByteBufAllocator alloc) {
        InitialPeek.Header h = new InitialPeek.Header();
        h.dcidLength = 8;
        h.scidLength = 8;
        for (int b = 0; b < 8; b++) {
            h.dcid[b] = (byte) (b + 1);
            h.scid[b] = (byte) (b + 11);
        }
        try {
            encode(alloc, h, ConnectionHandler.CONNECTION_REFUSED, ConnectionHandler.REFUSED_BUSY).release();
        } catch (GeneralSecurityException | RuntimeException e) {
            // Only a warm-up: a real refusal reports its own failure.
        }
    }

    /**
     * The datagram that closes the connection the client's Initial {@code h} would have opened,
     * with transport {@code errorCode} and an ASCII {@code reason} (at most 200 bytes).
     */
    static ByteBuf encode(ByteBufAllocator alloc, InitialPeek.Header h, int errorCode, byte[] reason) throws GeneralSecurityException {
        Crypto c = CRYPTO.get();
        protect(c, h, errorCode, reason);
        // Apart from protect, whose compiled code (the crypto inlined, the largest of the door) a
        // first write into a fresh allocator chunk in a rush would otherwise throw away with this.
        ByteBuf out = alloc.directBuffer(c.headerLength + c.sealedLength);
        out.writeBytes(c.header, 0, c.headerLength);
        out.writeBytes(c.sealed, 0, c.sealedLength);
        return out;
    }

    /** The packet into {@code c.header} and {@code c.sealed}, their lengths into {@code c}. */
    private static void protect(Crypto c, InitialPeek.Header h, int errorCode, byte[] reason) throws GeneralSecurityException {
        byte[][] keys = serverInitialKeys(c, h.dcid, h.dcidLength);
        byte[] key = keys[0];
        byte[] iv = keys[1];
        byte[] hpKey = keys[2];

        // Payload: CONNECTION_CLOSE (0x1c) error, frame type 0, reason; PADDING so the sample fits.
        byte[] p = c.plain;
        int n = 0;
        p[n++] = 0x1c;
        n = varint(p, n, errorCode);
        p[n++] = 0;
        int reasonLength = Math.min(reason.length, 200);
        n = varint(p, n, reasonLength);
        System.arraycopy(reason, 0, p, n, reasonLength);
        n += reasonLength;
        while (n + TAG_LENGTH < MIN_PROTECTED) {
            p[n++] = 0;
        }

        // Header: Initial, 1-byte packet number 0; DCID = the client's SCID, SCID = the client's DCID.
        byte[] hd = c.header;
        int hl = 0;
        hd[hl++] = (byte) (0xC0 | (PN_LENGTH - 1));
        hd[hl++] = 0;
        hd[hl++] = 0;
        hd[hl++] = 0;
        hd[hl++] = 1;
        hd[hl++] = (byte) h.scidLength;
        System.arraycopy(h.scid, 0, hd, hl, h.scidLength);
        hl += h.scidLength;
        hd[hl++] = (byte) h.dcidLength;
        System.arraycopy(h.dcid, 0, hd, hl, h.dcidLength);
        hl += h.dcidLength;
        hd[hl++] = 0; // no token
        int length = PN_LENGTH + n + TAG_LENGTH;
        hd[hl++] = (byte) (0x40 | (length >>> 8)); // two-byte varint
        hd[hl++] = (byte) length;
        int pnOffset = hl;
        hd[hl++] = 0; // packet number 0

        // Nonce = iv XOR packet number (0): the iv itself.
        int sealedLength = seal(c, key, iv, hd, hl, p, n);

        c.hp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hpKey, "AES"));
        byte[] mask = c.hp.doFinal(c.sealed, 4 - PN_LENGTH, 16);
        hd[0] ^= (byte) (mask[0] & 0x0f);
        hd[pnOffset] ^= mask[1];
        c.headerLength = hl;
        c.sealedLength = sealedLength;
    }

    /** The server's Initial key, iv and header-protection key for a client's Destination Connection ID. */
    static byte[][] serverInitialKeys(byte[] dcid, int length) throws GeneralSecurityException {
        return serverInitialKeys(CRYPTO.get(), dcid, length);
    }

    private static byte[][] serverInitialKeys(Crypto c, byte[] dcid, int length) throws GeneralSecurityException {
        // initial_secret = HKDF-Extract(v1 salt, DCID); server_initial_secret = HKDF-Expand-Label(initial, "server in").
        byte[] server = expand(c, hmac(c, INITIAL_SALT_V1, dcid, length), SERVER_IN, 32);
        return new byte[][] {expand(c, server, QUIC_KEY, 16), expand(c, server, QUIC_IV, 12), expand(c, server, QUIC_HP, 16)};
    }

    private static int seal(Crypto c, byte[] key, byte[] iv, byte[] aad, int aadLength, byte[] plain, int plainLength)
            throws GeneralSecurityException {
        SecretKeySpec k = new SecretKeySpec(key, "AES");
        GCMParameterSpec spec = new GCMParameterSpec(TAG_LENGTH * 8, iv);
        try {
            c.aead.init(Cipher.ENCRYPT_MODE, k, spec);
        } catch (java.security.InvalidKeyException | java.security.InvalidAlgorithmParameterException reused) {
            // The JDK refuses a GCM key and nonce twice in a row on one Cipher (a client's retransmitted Initial
            // is refused with the same keys); the packet is the same bytes, so a fresh Cipher is safe here.
            c.aead = Cipher.getInstance("AES/GCM/NoPadding");
            c.aead.init(Cipher.ENCRYPT_MODE, k, spec);
        }
        c.aead.updateAAD(aad, 0, aadLength);
        return c.aead.doFinal(plain, 0, plainLength, c.sealed, 0);
    }

    private static byte[] hmac(Crypto c, byte[] key, byte[] data, int length) throws GeneralSecurityException {
        c.hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        c.hmac.update(data, 0, length);
        return c.hmac.doFinal();
    }

    // HKDF-Expand-Label inputs (RFC 8446, section 7.1), built once: a refusal during a flood builds no strings.
    private static final byte[] SERVER_IN = expandLabelInfo("server in", 32);
    private static final byte[] QUIC_KEY = expandLabelInfo("quic key", 16);
    private static final byte[] QUIC_IV = expandLabelInfo("quic iv", 12);
    private static final byte[] QUIC_HP = expandLabelInfo("quic hp", 16);

    /** {@code uint16 length | uint8 label length | "tls13 " label | uint8 0 (empty context) | 0x01 (first HMAC block)}. */
    private static byte[] expandLabelInfo(String label, int length) {
        byte[] full = ("tls13 " + label).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1 + 1];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[3 + full.length] = 0;
        info[4 + full.length] = 1;
        return info;
    }

    /** HKDF-Expand-Label for at most one HMAC block of output. */
    private static byte[] expand(Crypto c, byte[] secret, byte[] info, int length) throws GeneralSecurityException {
        return java.util.Arrays.copyOf(hmac(c, secret, info, info.length), length);
    }

    private static int varint(byte[] b, int at, long v) {
        if (v < 64) {
            b[at++] = (byte) v;
        } else if (v < 16384) {
            b[at++] = (byte) (0x40 | (v >>> 8));
            b[at++] = (byte) v;
        } else {
            b[at++] = (byte) (0x80 | (v >>> 24));
            b[at++] = (byte) (v >>> 16);
            b[at++] = (byte) (v >>> 8);
            b[at++] = (byte) v;
        }
        return at;
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
