package dev.hyrouter.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A flyweight over a Connect payload: {@link #wrap} validates the layout and records where each
 * field lies, reading only fixed-size values; strings are created on first request and cached.
 *
 * <p>Layout detection follows the protocol: at least 102 bytes whose bytes 1..64 are all ASCII
 * hex digits or NUL → V1; otherwise V2, falling back to V1 when V2 does not parse. A payload
 * that fits neither is undecodable and {@link #wrap} returns {@code false} — a result, never an
 * exception.
 *
 * <p>The view reads the wrapped buffer in place and does not retain it: it is valid only while
 * the caller keeps the buffer alive and unchanged. Not thread safe; reuse one per stream or per
 * event loop.
 */
public final class ConnectView {

    /** The two Connect layouts. */
    public enum Layout {
        V1,
        V2
    }

    /** Why a Connect could not be decoded (a new client version shows up here first). */
    public enum Undecodable {
        /** Shorter than both layouts' fixed blocks. */
        TRUNCATED("truncated"),
        /** A required string's offset is negative. */
        NEGATIVE_OFFSET("negative_offset"),
        /** A string's offset points past the payload. */
        OFFSET_OUT_OF_RANGE("offset_out_of_range"),
        /** A string's VarInt length is malformed (over-long or cut off). */
        BAD_VARINT("bad_varint"),
        /** A string is longer than its limit or than the bytes left. */
        BAD_STRING_LENGTH("bad_string_length");

        private final String label;

        Undecodable(String label) {
            this.label = label;
        }

        /** The metric label. */
        public String label() {
            return label;
        }
    }

    private static final long ABSENT = -1L;

    private ByteBuf buf;
    private int base;
    private int limit;
    private Layout layout;
    private int nullBits;
    private int clientType;
    private long uuidMsb;
    private long uuidLsb;
    private boolean identityTokenPresent;
    private int protocolHashIndex;
    private int protocolHashLength;
    private long username;
    private long language;
    private int referralDataLength;
    private int referralSourcePort;
    private long referralSourceHost;
    private int protocolCrc;
    private int buildNumber;

    private String usernameString;
    private String languageString;
    private String protocolHashString;
    private String uuidString;
    private Undecodable undecodable;

    /**
     * Decodes the payload at {@code buf[index, index + length)}.
     *
     * @return {@code false} when the payload fits neither layout; the view is then empty
     */
    public boolean wrap(ByteBuf buf, int index, int length) {
        reset();
        this.buf = buf;
        this.base = index;
        this.limit = index + length;
        boolean ok;
        if (length >= ConnectLayoutV1.VARIABLE_BLOCK_OFFSET && looksLikeV1ProtocolHash()) {
            ok = decodeV1();
        } else {
            ok = decodeV2() || decodeV1();
        }
        if (!ok) {
            Undecodable why = diagnose();
            reset();
            undecodable = why;
        }
        return ok;
    }

    /** Why the last {@link #wrap} failed, {@code null} after a success or a {@link #reset}. */
    public Undecodable undecodable() {
        return undecodable;
    }

    /** Cold path: which of V2's checks refused a payload too short for V1 (V1 only refuses length). */
    private Undecodable diagnose() {
        if (limit - base < ConnectLayoutV2.VARIABLE_BLOCK_OFFSET) {
            return Undecodable.TRUNCATED;
        }
        int var = base + ConnectLayoutV2.VARIABLE_BLOCK_OFFSET;
        int[] offsets = {buf.getIntLE(base + ConnectLayoutV2.USERNAME_OFFSET_OFFSET), buf.getIntLE(base + ConnectLayoutV2.LANGUAGE_OFFSET_OFFSET)};
        int[] caps = {ConnectLimits.MAX_USERNAME, ConnectLayoutV2.MAX_LANGUAGE};
        for (int i = 0; i < 2; i++) {
            int offset = offsets[i];
            if (offset < 0) {
                return Undecodable.NEGATIVE_OFFSET;
            }
            long pos = (long) var + offset;
            if (pos >= limit) {
                return Undecodable.OFFSET_OUT_OF_RANGE;
            }
            long v = VarInts.read(buf, (int) pos, limit);
            if (v == VarInts.INVALID) {
                return Undecodable.BAD_VARINT;
            }
            int len = VarInts.value(v);
            if (len > caps[i] || pos + VarInts.size(v) + len > limit) {
                return Undecodable.BAD_STRING_LENGTH;
            }
        }
        return Undecodable.BAD_STRING_LENGTH;
    }

    /** Convenience for a buffer holding exactly the payload between its indices. */
    public boolean wrap(ByteBuf payload) {
        return wrap(payload, payload.readerIndex(), payload.readableBytes());
    }

    /** Forgets the wrapped buffer. */
    public void reset() {
        buf = null;
        base = 0;
        limit = 0;
        layout = null;
        nullBits = 0;
        clientType = 0;
        uuidMsb = 0;
        uuidLsb = 0;
        identityTokenPresent = false;
        protocolHashIndex = 0;
        protocolHashLength = 0;
        username = ABSENT;
        language = ABSENT;
        referralDataLength = -1;
        referralSourcePort = -1;
        referralSourceHost = ABSENT;
        protocolCrc = 0;
        buildNumber = 0;
        usernameString = null;
        languageString = null;
        protocolHashString = null;
        uuidString = null;
        undecodable = null;
    }

    private boolean looksLikeV1ProtocolHash() {
        int from = base + ConnectLayoutV1.PROTOCOL_HASH_OFFSET;
        for (int i = 0; i < ConnectLayoutV1.PROTOCOL_HASH_LENGTH; i++) {
            int c = buf.getByte(from + i);
            boolean hex = c == 0 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex) {
                return false;
            }
        }
        return true;
    }

    // V1 is lenient like the original: once the fixed block is there, a field that does not
    // parse is simply left empty.
    private boolean decodeV1() {
        if (limit - base < ConnectLayoutV1.VARIABLE_BLOCK_OFFSET) {
            return false;
        }
        layout = Layout.V1;
        nullBits = buf.getUnsignedByte(base + ConnectLayoutV1.NULL_BITS_OFFSET);
        setFixedAscii(base + ConnectLayoutV1.PROTOCOL_HASH_OFFSET, ConnectLayoutV1.PROTOCOL_HASH_LENGTH);
        clientType = buf.getUnsignedByte(base + ConnectLayoutV1.CLIENT_TYPE_OFFSET);
        uuidMsb = buf.getLong(base + ConnectLayoutV1.UUID_MSB_OFFSET);
        uuidLsb = buf.getLong(base + ConnectLayoutV1.UUID_LSB_OFFSET);
        int var = base + ConnectLayoutV1.VARIABLE_BLOCK_OFFSET;

        int languageOffset = buf.getIntLE(base + ConnectLayoutV1.LANGUAGE_OFFSET_OFFSET);
        if ((nullBits & ConnectLayoutV1.NULL_BIT_LANGUAGE) != 0 && languageOffset >= 0) {
            language = stringAt(var, languageOffset, ConnectLayoutV1.MAX_LANGUAGE);
        }
        int identityOffset = buf.getIntLE(base + ConnectLayoutV1.IDENTITY_TOKEN_OFFSET_OFFSET);
        if ((nullBits & ConnectLayoutV1.NULL_BIT_IDENTITY_TOKEN) != 0 && identityOffset >= 0) {
            identityTokenPresent = stringAt(var, identityOffset, ConnectLimits.MAX_IDENTITY_TOKEN) != ABSENT;
        }
        int usernameOffset = buf.getIntLE(base + ConnectLayoutV1.USERNAME_OFFSET_OFFSET);
        if (usernameOffset >= 0) {
            username = stringAt(var, usernameOffset, ConnectLimits.MAX_USERNAME);
        }
        int referralDataOffset = buf.getIntLE(base + ConnectLayoutV1.REFERRAL_DATA_OFFSET_OFFSET);
        if ((nullBits & ConnectLayoutV1.NULL_BIT_REFERRAL_DATA) != 0 && referralDataOffset >= 0) {
            setReferralData(var, referralDataOffset);
        }
        int referralSourceOffset = buf.getIntLE(base + ConnectLayoutV1.REFERRAL_SOURCE_OFFSET_OFFSET);
        if ((nullBits & ConnectLayoutV1.NULL_BIT_REFERRAL_SOURCE) != 0 && referralSourceOffset >= 0) {
            setReferralSource(var, referralSourceOffset);
        }
        return true;
    }

    // V2 is strict about its two required strings: that is what tells it apart from V1.
    private boolean decodeV2() {
        if (limit - base < ConnectLayoutV2.VARIABLE_BLOCK_OFFSET) {
            return false;
        }
        int var = base + ConnectLayoutV2.VARIABLE_BLOCK_OFFSET;
        int usernameOffset = buf.getIntLE(base + ConnectLayoutV2.USERNAME_OFFSET_OFFSET);
        int languageOffset = buf.getIntLE(base + ConnectLayoutV2.LANGUAGE_OFFSET_OFFSET);
        if (usernameOffset < 0 || languageOffset < 0) {
            return false;
        }
        long user = stringAt(var, usernameOffset, ConnectLimits.MAX_USERNAME);
        if (user == ABSENT) {
            return false;
        }
        long lang = stringAt(var, languageOffset, ConnectLayoutV2.MAX_LANGUAGE);
        if (lang == ABSENT) {
            return false;
        }
        layout = Layout.V2;
        username = user;
        language = lang;
        nullBits = buf.getUnsignedByte(base + ConnectLayoutV2.NULL_BITS_OFFSET);
        protocolCrc = buf.getIntLE(base + ConnectLayoutV2.PROTOCOL_CRC_OFFSET);
        buildNumber = buf.getIntLE(base + ConnectLayoutV2.BUILD_NUMBER_OFFSET);
        setFixedAscii(base + ConnectLayoutV2.CLIENT_VERSION_OFFSET, ConnectLayoutV2.CLIENT_VERSION_LENGTH);
        clientType = buf.getUnsignedByte(base + ConnectLayoutV2.CLIENT_TYPE_OFFSET);
        uuidMsb = buf.getLong(base + ConnectLayoutV2.UUID_MSB_OFFSET);
        uuidLsb = buf.getLong(base + ConnectLayoutV2.UUID_LSB_OFFSET);
        int identityOffset = buf.getIntLE(base + ConnectLayoutV2.IDENTITY_TOKEN_OFFSET_OFFSET);
        if ((nullBits & ConnectLayoutV2.NULL_BIT_IDENTITY_TOKEN) != 0 && identityOffset >= 0) {
            identityTokenPresent = stringAt(var, identityOffset, ConnectLimits.MAX_IDENTITY_TOKEN) != ABSENT;
        }
        int referralDataOffset = buf.getIntLE(base + ConnectLayoutV2.REFERRAL_DATA_OFFSET_OFFSET);
        if ((nullBits & ConnectLayoutV2.NULL_BIT_REFERRAL_DATA) != 0 && referralDataOffset >= 0) {
            setReferralData(var, referralDataOffset);
        }
        int referralSourceOffset = buf.getIntLE(base + ConnectLayoutV2.REFERRAL_SOURCE_OFFSET_OFFSET);
        if ((nullBits & ConnectLayoutV2.NULL_BIT_REFERRAL_SOURCE) != 0 && referralSourceOffset >= 0) {
            setReferralSource(var, referralSourceOffset);
        }
        return true;
    }

    /**
     * Locates a VarInt-prefixed string at {@code var + offset}.
     *
     * @return {@code absoluteStart | length << 32}, or {@link #ABSENT} when it does not fit
     */
    private long stringAt(int var, int offset, int maxLength) {
        long pos = (long) var + offset;
        if (offset < 0 || pos >= limit) {
            return ABSENT;
        }
        long v = VarInts.read(buf, (int) pos, limit);
        if (v == VarInts.INVALID) {
            return ABSENT;
        }
        int len = VarInts.value(v);
        long start = pos + VarInts.size(v);
        if (len > maxLength || start + len > limit) {
            return ABSENT;
        }
        return start | ((long) len << 32);
    }

    private void setReferralData(int var, int offset) {
        long data = stringAt(var, offset, ConnectLimits.MAX_REFERRAL_DATA);
        if (data != ABSENT) {
            referralDataLength = length(data);
        }
    }

    private void setReferralSource(int var, int offset) {
        long pos = (long) var + offset;
        if (pos + 2 > limit) {
            return;
        }
        long host = stringAt((int) pos + 2, 0, ConnectLimits.MAX_HOST);
        if (host != ABSENT) {
            referralSourcePort = buf.getUnsignedShortLE((int) pos);
            referralSourceHost = host;
        }
    }

    private void setFixedAscii(int index, int maxLength) {
        int len = 0;
        while (len < maxLength && buf.getByte(index + len) != 0) {
            len++;
        }
        protocolHashIndex = index;
        protocolHashLength = len;
    }

    private static int start(long located) {
        return (int) located;
    }

    private static int length(long located) {
        return (int) (located >>> 32);
    }

    private String string(long located) {
        return located == ABSENT ? "" : buf.toString(start(located), length(located), StandardCharsets.UTF_8);
    }

    public boolean decoded() {
        return layout != null;
    }

    public Layout layout() {
        return layout;
    }

    public int clientType() {
        return clientType;
    }

    public long uuidMostSignificantBits() {
        return uuidMsb;
    }

    public long uuidLeastSignificantBits() {
        return uuidLsb;
    }

    public boolean identityTokenPresent() {
        return identityTokenPresent;
    }

    /** V2 protocol CRC; 0 for V1. */
    public int protocolCrc() {
        return protocolCrc;
    }

    /** V2 protocol build number; 0 for V1. */
    public int buildNumber() {
        return buildNumber;
    }

    /** Length of the referral data the client presented, or -1 when absent. */
    public int referralDataLength() {
        return referralDataLength;
    }

    /** Port of the referral source, or -1 when absent. */
    public int referralSourcePort() {
        return referralSourcePort;
    }

    /** Host of the referral source, or {@code ""} when absent. */
    public String referralSourceHost() {
        return string(referralSourceHost);
    }

    /** Username bytes length, or -1 when absent. */
    public int usernameLength() {
        return username == ABSENT ? -1 : length(username);
    }

    /** Username, {@code ""} when absent. Cached. */
    public String username() {
        if (usernameString == null) {
            usernameString = string(username);
        }
        return usernameString;
    }

    /** Language tag as sent (e.g. {@code de-DE}, {@code pt_BR}), {@code ""} when absent. Cached. */
    public String language() {
        if (languageString == null) {
            languageString = string(language);
        }
        return languageString;
    }

    /** V1: the protocol hash; V2: the client version string (what plugins see). Cached. */
    public String protocolHash() {
        if (protocolHashString == null) {
            protocolHashString = layout == null ? "" : buf.toString(protocolHashIndex, protocolHashLength, StandardCharsets.UTF_8);
        }
        return protocolHashString;
    }

    /** UUID as lowercase 8-4-4-4-12 hex. Cached. */
    public String uuid() {
        if (uuidString == null) {
            uuidString = layout == null ? "" : Uuids.format(uuidMsb, uuidLsb);
        }
        return uuidString;
    }
}
