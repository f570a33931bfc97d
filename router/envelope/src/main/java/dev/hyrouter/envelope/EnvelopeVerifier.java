package dev.hyrouter.envelope;

import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Verifies the referral envelopes a router signed, on the backend side.
 *
 * <p>Typical use in a Hytale server plugin, where {@code referralData} is what the client
 * presents after following the referral:
 *
 * <pre>{@code
 * EnvelopeVerifier verifier = EnvelopeVerifier.withKeys(Map.of(1, HmacSecret.parse("base64:...")));
 * ReferralEnvelope envelope = verifier.verify(referralData); // throws EnvelopeException
 * byte[] content = envelope.content();
 * }</pre>
 *
 * Keys are looked up by the envelope's {@code key_id}, so a router fleet can rotate secrets
 * by publishing a new key id before switching to it. The MAC is compared in constant time.
 * Thread safe: each call uses its own MAC state.
 */
public final class EnvelopeVerifier {
    private final IntFunction<HmacSecret> keys;

    private EnvelopeVerifier(IntFunction<HmacSecret> keys) {
        this.keys = keys;
    }

    /** A verifier that accepts one key for every key id. */
    public static EnvelopeVerifier withSecret(HmacSecret secret) {
        Objects.requireNonNull(secret, "secret");
        return new EnvelopeVerifier(id -> secret);
    }

    /** A verifier with one key per key id; other ids are refused. */
    public static EnvelopeVerifier withKeys(Map<Integer, HmacSecret> keysById) {
        Map<Integer, HmacSecret> copy = Map.copyOf(keysById);
        return new EnvelopeVerifier(copy::get);
    }

    /** A verifier with a custom key lookup returning {@code null} for unknown ids. */
    public static EnvelopeVerifier withKeyLookup(IntFunction<HmacSecret> lookup) {
        return new EnvelopeVerifier(Objects.requireNonNull(lookup, "lookup"));
    }

    /**
     * Parses and verifies an envelope.
     *
     * @return the envelope, whose content can be trusted
     * @throws EnvelopeException when it is malformed, unsigned, signed with an unknown key id, or
     *                           its MAC does not match
     */
    public ReferralEnvelope verify(byte[] data) throws EnvelopeException {
        ReferralEnvelope envelope = ReferralEnvelope.parse(data);
        if (!envelope.signed()) {
            throw new EnvelopeException(EnvelopeException.Reason.NOT_SIGNED, "envelope is not signed");
        }
        HmacSecret secret = keys.apply(envelope.keyId());
        if (secret == null) {
            throw new EnvelopeException(EnvelopeException.Reason.UNKNOWN_KEY_ID, "no key for key_id " + envelope.keyId());
        }
        int signedLength = envelope.length() - EnvelopeLayout.MAC_LENGTH;
        byte[] expected = new byte[EnvelopeLayout.MAC_LENGTH];
        new HmacSha256(secret.keyRef()).mac(data, 0, signedLength, expected, 0);
        if (!MessageDigest.isEqual(expected, envelope.mac())) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_SIGNATURE, "envelope signature does not match");
        }
        return envelope;
    }
}
