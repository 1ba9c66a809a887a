package dev.picspace.gateway.serve;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The owner's link to a picture's untouched original, for tenants whose global watermark every
 * public URL carries (issue "image delivery": "the unwatermarked original stays retrievable by the
 * owner only"):
 * <pre>
 *   /i/&lt;token&gt;.&lt;ext&gt;?original=&lt;expires&gt;-&lt;signature&gt;
 *   signature = hex(HMAC-SHA256(key = the tenant's TOP app secret,
 *                               "picspace-original\n" + "/i/&lt;token&gt;.&lt;ext&gt;" + "\n" + expires))
 * </pre>
 * {@code expires} is Unix seconds. Only whoever holds the app secret (the owner, and picspace) can
 * make one; {@code java -jar picspace.jar original-url} prints one. The answer is the stored bytes,
 * {@code Cache-Control: private, no-store}, so no shared cache keeps the original for the public URL.
 * Why the TOP secret: it is the one secret every tenant already has; the VOD issue may add its own
 * keys, and this class is the only place that would change.
 */
public final class OwnerLinks {
    private OwnerLinks() {}

    private static final String PURPOSE = "picspace-original\n";
    /** Longest validity accepted, whatever the link says: a leaked link dies within a week. */
    public static final long MAX_VALIDITY_SECONDS = 7L * 24 * 3600;

    /** The query value ({@code expires-signature}) for {@code path} ({@code /i/<token>.<ext>}). */
    public static String sign(String path, long expiresEpochSecond, String secret) {
        return expiresEpochSecond + "-" + HexFormat.of().formatHex(mac(secret, path, expiresEpochSecond));
    }

    /** Whether {@code value} is a valid, unexpired signature of {@code path} by {@code secret}. Never throws. */
    public static boolean verify(String path, String value, String secret, Instant now) {
        if (value == null || secret == null || secret.isEmpty()) return false;
        int dash = value.indexOf('-');
        if (dash <= 0 || dash > 12 || value.length() - dash - 1 != 64) return false;
        long expires;
        try {
            expires = Long.parseLong(value.substring(0, dash));
        } catch (NumberFormatException e) {
            return false;
        }
        long nowSeconds = now.getEpochSecond();
        if (expires < nowSeconds || expires > nowSeconds + MAX_VALIDITY_SECONDS) return false;
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring(dash + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(secret, path, expires)); // constant time
    }

    private static byte[] mac(String secret, String path, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal((PURPOSE + path + "\n" + expires).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }
}
