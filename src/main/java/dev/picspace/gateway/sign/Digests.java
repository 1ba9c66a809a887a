package dev.picspace.gateway.sign;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The signing primitives every dialect uses (TOP sign_method, VOD RPC and ACS3, OSS V1, CDN Type-A),
 * once: HMACs, digests, hex/Base64, RFC 3986 percent-encoding, constant-time comparison.
 */
public final class Digests {
    private Digests() {}

    /** {@code algorithm}: HmacMD5, HmacSHA1, HmacSHA256. An empty key is refused (IllegalArgumentException). */
    public static byte[] hmac(String algorithm, byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    public static byte[] hmac(String algorithm, String key, String text) {
        return hmac(algorithm, key.getBytes(StandardCharsets.UTF_8), text);
    }

    public static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    public static String md5Hex(String text) { return hex(digest("MD5", text.getBytes(StandardCharsets.UTF_8))); }

    public static String sha256Hex(byte[] bytes) { return hex(digest("SHA-256", bytes)); }

    public static String hex(byte[] bytes) { return HexFormat.of().formatHex(bytes); }

    public static String base64(byte[] bytes) { return Base64.getEncoder().encodeToString(bytes); }

    /** Constant time, so that comparing a presented signature leaks nothing about the right one. */
    public static boolean sameText(String a, String b) {
        if (a == null || b == null) return false;
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    /**
     * RFC 3986 percent-encoding of UTF-8: only {@code A-Z a-z 0-9 - _ . ~} stay, everything else is
     * {@code %XX} (uppercase), space is {@code %20}. This is Alibaba's {@code percentEncode} (VOD RPC
     * and ACS3 canonical strings; vod.md §1.3) — always applied to decoded values, never to the wire.
     */
    public static String percentEncode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length + 16);
        for (byte x : bytes) {
            int c = x & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(HEX_UPPER[c >> 4]).append(HEX_UPPER[c & 0xF]);
            }
        }
        return b.toString();
    }
}
