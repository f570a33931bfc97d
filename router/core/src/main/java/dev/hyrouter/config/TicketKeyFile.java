package dev.hyrouter.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * One TLS session ticket key file ({@code tls.session_ticket_keys}): 48 bytes, either raw
 * ({@code openssl rand 48 > ticket.key}) or base64 text ({@code openssl rand -base64 48}), the
 * form a Kubernetes secret holds. Bytes 0–15 name the key (a ticket carries the name of the key
 * that sealed it), 16–31 are the AES-128 key, 32–47 the HMAC-SHA256 key.
 *
 * <p>Messages name the file and the rule, never a byte of the key.
 */
public final class TicketKeyFile {
    public static final int BYTES = 48;
    /** Where the key's parts start: its name, then the AES-128 key, then the HMAC key (16 bytes each). */
    public static final int NAME = 0;
    public static final int AES = 16;
    public static final int HMAC = 32;
    /** A file larger than this is not a key file; it is not read whole. */
    private static final int MAX_FILE_BYTES = 4096;

    private TicketKeyFile() {
    }

    /**
     * The key's 48 bytes.
     *
     * @throws IOException              the file cannot be read
     * @throws IllegalArgumentException the file holds something else than one key
     */
    public static byte[] read(Path path) throws IOException {
        byte[] raw;
        // Bounded: a device or a wrong file is refused, not read until memory runs out.
        try (InputStream in = Files.newInputStream(path)) {
            raw = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (raw.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("is larger than " + MAX_FILE_BYTES + " bytes; a ticket key file holds 48 bytes (raw or base64)");
        }
        if (raw.length == BYTES) {
            return raw;
        }
        // Base64 text, perhaps wrapped in lines; the strict decoder refuses any other character.
        String text = new String(raw, StandardCharsets.US_ASCII).strip().replace("\r", "").replace("\n", "");
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            decoded = null;
        }
        if (decoded == null || decoded.length != BYTES) {
            throw new IllegalArgumentException("holds " + raw.length + " bytes that are neither 48 raw bytes nor 48 bytes in base64; "
                    + "create one with: openssl rand 48 > FILE (or openssl rand -base64 48 > FILE)");
        }
        return decoded;
    }
}
