package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tls.session_ticket_keys} (ours), {@code tls.client_certificates} and {@code quic.early_data}. */
class TicketKeysConfigTest {
    @TempDir
    Path dir;

    private static byte[] key(int seed) {
        byte[] k = new byte[48];
        Arrays.fill(k, (byte) seed);
        return k;
    }

    @Test
    void rawAndBase64KeysAreReadBesideTheConfigInOrder() throws Exception {
        Files.write(dir.resolve("current.key"), key(1));
        Files.writeString(dir.resolve("previous.key"), Base64.getEncoder().encodeToString(key(2)) + "\n");
        Path config = Files.writeString(dir.resolve("hyrouter.yaml"),
                "tls:\n  session_ticket_keys: [current.key, previous.key]\nquic:\n  early_data: true\n");
        RouterConfig c = ConfigLoader.load(config);
        assertThat(c.tls().sessionTicketKeys()).containsExactly(dir.resolve("current.key").toString(), dir.resolve("previous.key").toString());
        assertThat(TicketKeyFile.read(Path.of(c.tls().sessionTicketKeys().get(1)))).isEqualTo(key(2));
        assertThat(c.quic().earlyData()).isTrue();
    }

    @Test
    void withoutTheKeysTheLibraryKeepsItsOwnKeyAndEarlyDataIsOff() throws Exception {
        RouterConfig c = ConfigLoader.parse("listen: \":5520\"\n", "t.yaml", false);
        assertThat(c.tls().sessionTicketKeys()).isEmpty();
        assertThat(c.quic().earlyData()).isFalse();
        assertThat(c.tls().requestClientCertificate()).isTrue();
    }

    @Test
    void theClientCertificateRequestCanBeTurnedOffUnquoted() throws Exception {
        // YAML 1.1 reads a bare off as false; the key takes the scalar's text, so both spellings work.
        assertThat(ConfigLoader.parse("tls:\n  client_certificates: off\n", "t.yaml", false).tls().requestClientCertificate()).isFalse();
        assertThat(ConfigLoader.parse("tls:\n  client_certificates: \"off\"\n", "t.yaml", false).tls().requestClientCertificate()).isFalse();
        assertThat(ConfigLoader.parse("tls:\n  client_certificates: request\n", "t.yaml", false).tls().requestClientCertificate()).isTrue();
    }

    @Test
    void aMissingFileAWrongSizeAndASharedNameAreRefusedNamingFileLineAndKey() throws Exception {
        Path missing = Files.writeString(dir.resolve("missing.yaml"), "tls:\n  session_ticket_keys:\n    - nope.key\n");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).hasMessage(missing + ":3: tls.session_ticket_keys[0]: "
                + "ticket key file nope.key cannot be read (NoSuchFileException)");

        Files.write(dir.resolve("short.key"), new byte[32]);
        Path shortKey = Files.writeString(dir.resolve("short.yaml"), "tls:\n  session_ticket_keys: [short.key]\n");
        assertThatThrownBy(() -> ConfigLoader.load(shortKey)).hasMessageStartingWith(shortKey + ":2: tls.session_ticket_keys[0]: ticket key file "
                + dir.resolve("short.key") + " holds 32 bytes that are neither 48 raw bytes nor 48 bytes in base64");

        // The same 16-byte name twice: a ticket would name a key ambiguously.
        byte[] twin = key(1);
        twin[47] = 9;
        Files.write(dir.resolve("a.key"), key(1));
        Files.write(dir.resolve("b.key"), twin);
        Path shared = Files.writeString(dir.resolve("shared.yaml"), "tls:\n  session_ticket_keys:\n    - a.key\n    - b.key\n");
        assertThatThrownBy(() -> ConfigLoader.load(shared)).hasMessageContaining(shared + ":4: tls.session_ticket_keys[1]: ")
                .hasMessageContaining("has the same key name (its first 16 bytes) as " + dir.resolve("a.key"));
    }

    @Test
    void aDeviceIsRefusedWithoutReadingItAllAndNoMessageQuotesTheKey() throws Exception {
        Path device = Files.writeString(dir.resolve("device.yaml"), "tls:\n  session_ticket_keys: [/dev/zero]\n");
        assertThatThrownBy(() -> ConfigLoader.load(device)).hasMessage(device + ":2: tls.session_ticket_keys[0]: ticket key file "
                + "/dev/zero is larger than 4096 bytes; a ticket key file holds 48 bytes (raw or base64)");
        String secretText = "c3VwZXItc2VjcmV0LXRpY2tldC1rZXktbWF0ZXJpYWw=";
        Files.writeString(dir.resolve("text.key"), secretText);
        Path text = Files.writeString(dir.resolve("text.yaml"), "tls:\n  session_ticket_keys: [text.key]\n");
        assertThatThrownBy(() -> ConfigLoader.load(text)).hasMessageContaining("holds 44 bytes").hasMessageNotContaining(secretText);
    }
}
