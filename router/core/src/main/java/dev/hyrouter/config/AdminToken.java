package dev.hyrouter.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token the admin listener asks of state-changing requests ({@code admin.token_file}).
 * Never printed: {@link #toString()} says only whether one is set, so a config dumped to a log
 * or an exception keeps it secret. Compared in constant time.
 */
public final class AdminToken {
    /** No token configured. */
    public static final AdminToken NONE = new AdminToken(null, "");

    private final byte[] token;
    private final String file;

    private AdminToken(byte[] token, String file) {
        this.token = token;
        this.file = file;
    }

    /** A token read from {@code file} (trailing whitespace and newlines already removed, not empty). */
    static AdminToken of(String token, String file) {
        return new AdminToken(token.getBytes(StandardCharsets.UTF_8), file);
    }

    public boolean isSet() {
        return token != null;
    }

    /** The file the token was read from, for messages ({@code ""} when none). */
    public String file() {
        return file;
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <this token>}. */
    public boolean accepts(String authorization) {
        if (token == null || authorization == null) {
            return false;
        }
        String prefix = "Bearer ";
        if (authorization.length() <= prefix.length() || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        byte[] offered = authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, offered);
    }

    @Override
    public String toString() {
        return token == null ? "AdminToken[none]" : "AdminToken[set, from " + file + "]";
    }
}
