package dev.hyrouter.envelope;

/** Why an envelope was refused. The message never contains key material. */
public final class EnvelopeException extends Exception {
    /** The rule the envelope broke. */
    public enum Reason {
        TOO_SHORT,
        BAD_MAGIC,
        UNSUPPORTED_VERSION,
        BAD_LENGTH,
        NOT_SIGNED,
        UNKNOWN_KEY_ID,
        BAD_SIGNATURE
    }

    private final Reason reason;

    public EnvelopeException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
