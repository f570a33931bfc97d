package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code referral.hmac_secret_file} (ours): the key from a mounted Secret, relative to the config's folder. */
class HmacSecretFileTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsReadFromTheFileBesideTheConfig() throws Exception {
        Files.writeString(dir.resolve("hmac"), "hex:00112233445566778899aabbccddeeff\n");
        Path config = Files.writeString(dir.resolve("hyrouter.yaml"), "referral:\n  key_id: 3\n  hmac_secret_file: hmac\n");
        ReferralConfig r = ConfigLoader.load(config).referral();
        assertThat(r.keyId()).isEqualTo(3);
        // The file's key, byte for byte (the trailing newline is not part of it).
        assertThat(r.hmacSecret().keyBytes()).isEqualTo(java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
    }

    @Test
    void bothFormsAMissingFileAndABadKeyAreRefusedWithoutQuotingTheKey() throws Exception {
        Path both = Files.writeString(dir.resolve("both.yaml"), "referral:\n  hmac_secret: hex:00\n  hmac_secret_file: hmac\n");
        assertThatThrownBy(() -> ConfigLoader.load(both)).hasMessage(both + ":3: referral.hmac_secret_file: "
                + "set either referral.hmac_secret or referral.hmac_secret_file, not both");
        Path missing = Files.writeString(dir.resolve("missing.yaml"), "referral:\n  hmac_secret_file: /nonexistent/hmac\n");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).hasMessage(missing + ":2: referral.hmac_secret_file: "
                + "cannot read the HMAC key file /nonexistent/hmac: NoSuchFileException");
        Files.writeString(dir.resolve("bad"), "hex:zz-super-secret");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "referral:\n  hmac_secret_file: bad\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).hasMessageContaining("invalid HMAC key in " + dir.resolve("bad"))
                .hasMessageNotContaining("super-secret");
    }

    @Test
    void aDeviceOrAHugeFileIsRefusedWithoutReadingItAll() throws Exception {
        // /dev/zero never ends: read unbounded, this would run until memory is gone.
        Path device = Files.writeString(dir.resolve("device.yaml"), "referral:\n  hmac_secret_file: /dev/zero\n");
        assertThatThrownBy(() -> ConfigLoader.load(device)).hasMessage(device + ":2: referral.hmac_secret_file: the HMAC key file"
                + " /dev/zero is larger than 4096 bytes; it should hold one key (hex, base64 or text)");
        Files.writeString(dir.resolve("big"), "x".repeat(4097));
        Path big = Files.writeString(dir.resolve("big.yaml"), "referral:\n  hmac_secret_file: big\n");
        assertThatThrownBy(() -> ConfigLoader.load(big)).hasMessageContaining("is larger than 4096 bytes");
    }
}
