package dev.hyrouter.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha256Test {
    @Test
    void agreesWithTheJdkMacForKeysAndMessagesOfEverySize() throws Exception {
        Random r = new Random(1);
        HmacSha256 reused = null;
        for (int keyLen : new int[] {1, 6, 32, 63, 64, 65, 200}) {
            byte[] key = new byte[keyLen];
            r.nextBytes(key);
            Mac jdk = Mac.getInstance("HmacSHA256");
            jdk.init(new SecretKeySpec(key, "HmacSHA256"));
            reused = new HmacSha256(key);
            for (int msgLen : new int[] {0, 1, 9, 55, 56, 64, 100, 4064}) {
                byte[] msg = new byte[msgLen + 3];
                r.nextBytes(msg);
                byte[] out = new byte[40];
                reused.mac(msg, 3, msgLen, out, 5);
                jdk.update(msg, 3, msgLen);
                assertThat(java.util.Arrays.copyOfRange(out, 5, 37)).as("key %d msg %d", keyLen, msgLen).isEqualTo(jdk.doFinal());
            }
        }
    }

    @Test
    void rfc4231TestCase2() {
        byte[] out = new byte[32];
        new HmacSha256("Jefe".getBytes()).mac("what do ya want for nothing?".getBytes(), 0, 28, out, 0);
        assertThat(java.util.HexFormat.of().formatHex(out))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
