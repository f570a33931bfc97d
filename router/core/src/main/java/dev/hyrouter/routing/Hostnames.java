package dev.hyrouter.routing;

import java.util.Locale;

/** Hostname canonical form for matching: trimmed, one trailing dot dropped, lowercase. */
public final class Hostnames {
    private Hostnames() {
    }

    /** The canonical form; returns the same instance when it is already canonical (no allocation). */
    public static String canonical(String host) {
        if (host == null) {
            return "";
        }
        if (isCanonical(host)) {
            return host;
        }
        String s = host.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static boolean isCanonical(String h) {
        int n = h.length();
        if (n == 0) {
            return true;
        }
        if (h.charAt(n - 1) == '.' || Character.isWhitespace(h.charAt(0)) || Character.isWhitespace(h.charAt(n - 1))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = h.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
