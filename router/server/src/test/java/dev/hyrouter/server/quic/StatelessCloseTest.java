package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StatelessCloseTest {
    /** RFC 9001, appendix A.1: the client's DCID 0x8394c8f03e515708 and the server's Initial keys. */
    @Test
    void serverInitialKeysMatchTheRfc9001Vectors() throws Exception {
        byte[][] keys = StatelessClose.serverInitialKeys(ByteBufUtil.decodeHexDump("8394c8f03e515708"), 8);
        assertThat(ByteBufUtil.hexDump(keys[0])).isEqualTo("cf3a5331653c364c88f0f379b6067e37");
        assertThat(ByteBufUtil.hexDump(keys[1])).isEqualTo("0ac1493ca1905853b0bba03e");
        assertThat(ByteBufUtil.hexDump(keys[2])).isEqualTo("c206b8d9b9f0f37644430b490eeaa314");
    }

    @Test
    void theRefusalIsAnInitialPacketCarryingConnectionRefusedThatTheClientCanOpen() throws Exception {
        InitialPeek.Header h = new InitialPeek.Header();
        ByteBuf clientInitial = Unpooled.buffer();
        clientInitial.writeByte(0xC3).writeInt(1);
        clientInitial.writeByte(8).writeBytes(ByteBufUtil.decodeHexDump("8394c8f03e515708"));
        clientInitial.writeByte(4).writeBytes(new byte[] {9, 9, 9, 9});
        clientInitial.writeZero(1200 - clientInitial.readableBytes());
        assertThat(h.parse(clientInitial, new InetSocketAddress("192.0.2.1", 4000))).isTrue();
        assertThat(h.parse(Unpooled.wrappedBuffer(new byte[] {0x40, 1, 2, 3, 4, 5, 6, 7}), null)).as("a short header").isFalse();

        byte[] reason = "server busy".getBytes(StandardCharsets.US_ASCII);
        ByteBuf packet = StatelessClose.encode(ByteBufAllocator.DEFAULT, h, 0x2, reason);
        try {
            assertThat(packet.readableBytes()).as("smaller than the client's Initial: no amplification").isLessThan(1200);
            byte[] p = ByteBufUtil.getBytes(packet);
            // Long header, v1, DCID = the client's SCID, SCID = the client's DCID, no token.
            assertThat(p[0] & 0xF0).isEqualTo(0xC0);
            assertThat(new byte[] {p[1], p[2], p[3], p[4]}).containsExactly(0, 0, 0, 1);
            assertThat(p[5]).isEqualTo((byte) 4);
            int at = 6 + 4;
            assertThat(p[at]).isEqualTo((byte) 8);
            at += 1 + 8;
            assertThat(p[at++]).as("token length").isZero();
            int length = ((p[at] & 0x3F) << 8) | (p[at + 1] & 0xFF);
            at += 2;
            int pnOffset = at;
            assertThat(p.length - pnOffset).isEqualTo(length);

            // Remove header protection and open the payload as a client would, with the RFC's keys.
            byte[][] keys = StatelessClose.serverInitialKeys(ByteBufUtil.decodeHexDump("8394c8f03e515708"), 8);
            Cipher hp = Cipher.getInstance("AES/ECB/NoPadding");
            hp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[2], "AES"));
            byte[] mask = hp.doFinal(p, pnOffset + 4, 16);
            p[0] ^= (byte) (mask[0] & 0x0f);
            int pnLength = (p[0] & 0x03) + 1;
            assertThat(pnLength).isEqualTo(1);
            p[pnOffset] ^= mask[1];
            assertThat(p[pnOffset]).as("packet number 0").isZero();
            Cipher aead = Cipher.getInstance("AES/GCM/NoPadding");
            aead.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys[0], "AES"), new GCMParameterSpec(128, keys[1]));
            aead.updateAAD(p, 0, pnOffset + 1);
            byte[] frames = aead.doFinal(p, pnOffset + 1, p.length - pnOffset - 1);
            assertThat(frames[0]).as("CONNECTION_CLOSE, transport").isEqualTo((byte) 0x1c);
            assertThat(frames[1]).as("CONNECTION_REFUSED").isEqualTo((byte) 0x02);
            assertThat(frames[2]).as("frame type").isZero();
            assertThat(frames[3]).isEqualTo((byte) reason.length);
            assertThat(new String(frames, 4, reason.length, StandardCharsets.US_ASCII)).isEqualTo("server busy");
            for (int i = 4 + reason.length; i < frames.length; i++) {
                assertThat(frames[i]).as("PADDING").isZero();
            }
            // The same refusal again (a retransmitted Initial) is the same bytes.
            ByteBuf again = StatelessClose.encode(ByteBufAllocator.DEFAULT, h, 0x2, reason);
            packet.readerIndex(0);
            assertThat(ByteBufUtil.equals(again, packet)).isTrue();
            again.release();
        } finally {
            packet.release();
        }
    }
}
