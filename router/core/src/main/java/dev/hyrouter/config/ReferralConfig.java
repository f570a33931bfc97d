package dev.hyrouter.config;

import dev.hyrouter.envelope.HmacSecret;

/**
 * {@code referral}: the key id written into every envelope and the HMAC secret that signs it
 * ({@code null} = unsigned envelopes).
 */
public record ReferralConfig(int keyId, HmacSecret hmacSecret) {
}
