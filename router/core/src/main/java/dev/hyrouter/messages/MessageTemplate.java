package dev.hyrouter.messages;

/**
 * A disconnect template with {@code ${sni}} and {@code ${error}} placeholders. A blank template
 * falls back to a fixed English word ({@code no route}, …), as in the original. Immutable.
 */
public final class MessageTemplate {
    private static final String SNI = "${sni}";
    private static final String ERROR = "${error}";

    private final String text;
    private final boolean placeholders;

    private MessageTemplate(String text) {
        this.text = text;
        this.placeholders = text.contains(SNI) || text.contains(ERROR);
    }

    public static MessageTemplate compile(String template, String fallback) {
        return new MessageTemplate(template == null || template.trim().isEmpty() ? fallback : template);
    }

    /** The message with placeholders replaced (in one left-to-right pass, like Go's Replacer). */
    public String render(String sni, String error) {
        if (!placeholders) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 32);
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith(SNI, i)) {
                b.append(sni == null ? "" : sni);
                i += SNI.length();
            } else if (text.startsWith(ERROR, i)) {
                b.append(error == null ? "" : error);
                i += ERROR.length();
            } else {
                b.append(text.charAt(i++));
            }
        }
        return b.toString();
    }
}
