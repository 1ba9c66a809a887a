package dev.picspace.gateway.top;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Taobao Open Platform request signature (top.md §2.5).
 *
 * <p>String to sign: parameter names sorted in {@code String} natural order (what the Java SDK's
 * {@code Arrays.sort} does), {@code sign} left out, then {@code name + value} concatenated with no
 * separators. File parts are never in the map the caller passes (they are not text parameters).
 * Then, as uppercase hex:
 * <ul>
 *   <li>{@code md5}: MD5(secret + S + secret);</li>
 *   <li>{@code hmac}: HmacMD5(key = secret, S);</li>
 *   <li>{@code hmac-sha256}: HmacSHA256(key = secret, S).</li>
 * </ul>
 * Method names are matched exactly, like the SDK does; anything else is refused rather than
 * falling into the SDK's "append the secret only" branch (top.md §2.5 note).
 *
 * <p>Empty values: the Java SDK never sends them and its {@code signTopRequest} skips a name or value
 * that is empty <em>or whitespace only</em> ({@code StringUtils.isEmpty}); {@link #sign} does the same.
 * The Python SDK sends and signs empty strings (top.md §9.3), which {@link #verify} also accepts.
 */
public final class TopSignature {
    private TopSignature() {}

    public static final String MD5 = "md5";
    public static final String HMAC = "hmac";
    public static final String HMAC_SHA256 = "hmac-sha256";

    /** Whether {@code signMethod} is one {@link #sign} understands. */
    public static boolean isSupportedMethod(String signMethod) {
        return MD5.equals(signMethod) || HMAC.equals(signMethod) || HMAC_SHA256.equals(signMethod);
    }

    /**
     * The signature the Java SDK computes for these parameters.
     *
     * @throws IllegalArgumentException for an unknown sign method, or an empty secret with an HMAC method
     */
    public static String sign(Map<String, String> params, String secret, String signMethod) {
        return sign(stringToSign(params, false), secret, signMethod);
    }

    /**
     * Whether {@code sign} is the signature of {@code params}, compared case-insensitively
     * (clients send uppercase; some community code lowercases) and in constant time.
     *
     * <p>The standard form (blank values skipped, as the Java SDK signs) is tried first. Only if it
     * fails and some parameter is blank, the form that includes blank values (as the Python SDK
     * signs, top.md §9.3) is tried too.
     *
     * @throws IllegalArgumentException for an unknown sign method
     */
    public static boolean verify(Map<String, String> params, String secret, String signMethod, String sign) {
        if (!isSupportedMethod(signMethod)) throw new IllegalArgumentException("unknown sign_method: " + signMethod);
        if (sign == null || sign.isEmpty()) return false;
        byte[] given = sign.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (sameBytes(given, sign(stringToSign(params, false), secret, signMethod))) return true;
        boolean someBlank = params.entrySet().stream()
                .anyMatch(e -> !"sign".equals(e.getKey()) && e.getValue() != null && isBlank(e.getValue()));
        return someBlank && sameBytes(given, sign(stringToSign(params, true), secret, signMethod));
    }

    /**
     * The concatenated string S. {@code includeBlank} keeps names and values that are empty or
     * whitespace only (the Python SDK's form); null values are always skipped.
     */
    static String stringToSign(Map<String, String> params, boolean includeBlank) {
        List<String> names = new ArrayList<>(params.keySet());
        names.sort(null); // String.compareTo = UTF-16 code units, as Arrays.sort in the SDK
        StringBuilder s = new StringBuilder(256);
        for (String name : names) {
            if (name == null || "sign".equals(name)) continue;
            String value = params.get(name);
            if (value == null) continue;
            if (!includeBlank && (isBlank(name) || isBlank(value))) continue;
            s.append(name).append(value);
        }
        return s.toString();
    }

    private static String sign(String s, String secret, String signMethod) {
        if (secret == null) throw new IllegalArgumentException("secret is null");
        byte[] digest;
        try {
            switch (signMethod == null ? "" : signMethod) {
                case MD5 -> digest = MessageDigest.getInstance("MD5")
                        .digest((secret + s + secret).getBytes(StandardCharsets.UTF_8));
                case HMAC -> digest = hmac("HmacMD5", secret, s);
                case HMAC_SHA256 -> digest = hmac("HmacSHA256", secret, s);
                default -> throw new IllegalArgumentException("unknown sign_method: " + signMethod);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks a standard algorithm", e);
        }
        return hexUpper(digest);
    }

    private static byte[] hmac(String algorithm, String secret, String s) {
        return dev.picspace.gateway.sign.Digests.hmac(algorithm, secret, s); // an empty key: IllegalArgumentException, let through
    }

    private static boolean sameBytes(byte[] given, String expected) {
        return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.US_ASCII)); // constant time
    }

    /** The SDK's {@code StringUtils.isEmpty}: empty or only {@link Character#isWhitespace} characters. */
    private static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) if (!Character.isWhitespace(s.charAt(i))) return false;
        return true;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static String hexUpper(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
