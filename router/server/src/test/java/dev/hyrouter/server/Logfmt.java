package dev.hyrouter.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a text log line's {@code key=value} fields back, undoing the quoting and escapes of {@code LogText.value}. */
public final class Logfmt {
    private Logfmt() {
    }

    /** The fields after the message's {@code " - "}: bare words before the first {@code key=} are skipped. */
    public static Map<String, String> fields(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = line.indexOf(" - ");
        i = i < 0 ? 0 : i + 3;
        int n = line.length();
        while (i < n) {
            int eq = line.indexOf('=', i);
            int space = line.indexOf(' ', i);
            if (eq < 0) {
                break;
            }
            if (space >= 0 && space < eq) {
                i = space + 1;
                continue;
            }
            String key = line.substring(i, eq);
            int at = eq + 1;
            StringBuilder v = new StringBuilder();
            if (at < n && line.charAt(at) == '"') {
                at++;
                while (line.charAt(at) != '"') {
                    char c = line.charAt(at++);
                    if (c != '\\') {
                        v.append(c);
                        continue;
                    }
                    char e = line.charAt(at++);
                    switch (e) {
                        case 'n' -> v.append('\n');
                        case 'r' -> v.append('\r');
                        case 't' -> v.append('\t');
                        case 'x' -> {
                            v.append((char) Integer.parseInt(line.substring(at, at + 2), 16));
                            at += 2;
                        }
                        case 'u' -> {
                            v.append((char) Integer.parseInt(line.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> v.append(e);
                    }
                }
                at++;
            } else {
                int end = line.indexOf(' ', at);
                end = end < 0 ? n : end;
                v.append(line, at, end);
                at = end;
            }
            out.put(key, v.toString());
            i = at + 1;
        }
        return out;
    }
}
