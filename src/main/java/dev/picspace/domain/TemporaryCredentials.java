package dev.picspace.domain;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * STS-style temporary credentials that picspace issues itself: an AccessKeyId, an AccessKeySecret
 * and a SecurityToken, valid until an expiry and only for what they were issued for (a whole
 * tenant's VOD API, or writing one object through the OSS-compatible upload endpoint, as the
 * UploadAuth of CreateUploadImage).
 *
 * <p>Stateless on purpose: the token carries its grant and an HMAC-SHA256 over it under a
 * service-wide key (stored once in the metadata store, shared by every node), and the secret is
 * derived from the token by the same key. Any node verifies any token without a lookup, and a
 * token cannot be widened (another tenant, another object, a later expiry) without the key.
 */
public final class TemporaryCredentials {
    /** Name of the service secret (see {@link MetadataStore#serviceSecret}) holding the key. */
    public static final String SERVICE_SECRET_NAME = "sts-signing-key";
    private static final String VERSION = "PS1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** What a token lets its holder do. */
    public enum Scope {
        /** Every VOD API action on the tenant's own library. */
        VOD_API,
        /** PutObject / multipart upload of exactly {@link Grant#objectKey()}, and reading it back. */
        OSS_OBJECT
    }

    /** What a valid token grants. {@code objectKey} is null for {@link Scope#VOD_API}. */
    public record Grant(long tenantId, Scope scope, String objectKey, String accessKeyId, Instant expires) {}

    /** A freshly issued credential triple, as handed to a client. */
    public record Issued(String accessKeyId, String accessKeySecret, String securityToken, Instant expires) {}

    public enum Outcome { VALID, MALFORMED, EXPIRED, MISMATCH_WITH_ACCESS_KEY }

    /** The result of checking a token; {@code grant} and {@code secret} are set only when VALID. */
    public record Verification(Outcome outcome, Grant grant, String secret) {
        public boolean valid() { return outcome == Outcome.VALID; }
    }

    private final byte[] key;
    private final Clock clock;
    private final IdGenerator ids;

    /** @param keyHex the service-wide signing key, hex (≥ 32 bytes) */
    public TemporaryCredentials(String keyHex, Clock clock, IdGenerator ids) {
        this.key = HexFormat.of().parseHex(Objects.requireNonNull(keyHex));
        if (key.length < 32) throw new IllegalArgumentException("the STS signing key must be at least 32 bytes");
        this.clock = Objects.requireNonNull(clock);
        this.ids = Objects.requireNonNull(ids);
    }

    /** A new signing key for {@link MetadataStore#serviceSecret}. */
    public static String newKey(IdGenerator ids) { return ids.randomHex(32); }

    public Issued issue(long tenantId, Scope scope, String objectKey, Duration ttl) {
        if ((scope == Scope.OSS_OBJECT) != (objectKey != null))
            throw new IllegalArgumentException("an object key goes with, and only with, the OSS_OBJECT scope");
        if (objectKey != null && objectKey.indexOf('\n') >= 0) throw new IllegalArgumentException("object key with a newline");
        Instant expires = clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String accessKeyId = "STS." + ids.randomAlphanumeric(24);
        String payload = tenantId + "\n" + scope.name() + "\n" + expires.getEpochSecond() + "\n" + accessKeyId
                + "\n" + (objectKey == null ? "" : objectKey);
        String body = VERSION + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        String token = body + "." + B64.encodeToString(hmac("token\n" + body));
        return new Issued(accessKeyId, secretOf(body), token, expires);
    }

    /** Checks a token presented with {@code accessKeyId}; never throws on malformed input. */
    public Verification verify(String accessKeyId, String token) {
        if (token == null || accessKeyId == null) return new Verification(Outcome.MALFORMED, null, null);
        int dot = token.lastIndexOf('.');
        if (dot <= 0 || !token.startsWith(VERSION + ".")) return new Verification(Outcome.MALFORMED, null, null);
        String body = token.substring(0, dot);
        byte[] mac;
        try {
            mac = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Verification(Outcome.MALFORMED, null, null);
        }
        if (!MessageDigest.isEqual(mac, hmac("token\n" + body))) return new Verification(Outcome.MALFORMED, null, null);
        Grant grant;
        try {
            String payload = new String(Base64.getUrlDecoder().decode(body.substring(VERSION.length() + 1)), StandardCharsets.UTF_8);
            String[] f = payload.split("\n", -1);
            grant = new Grant(Long.parseLong(f[0]), Scope.valueOf(f[1]), f[4].isEmpty() ? null : f[4], f[3],
                    Instant.ofEpochSecond(Long.parseLong(f[2])));
        } catch (RuntimeException e) { // a signed token is always well-formed; this is belt and braces
            return new Verification(Outcome.MALFORMED, null, null);
        }
        if (!grant.accessKeyId().equals(accessKeyId)) return new Verification(Outcome.MISMATCH_WITH_ACCESS_KEY, null, null);
        if (!clock.instant().isBefore(grant.expires())) return new Verification(Outcome.EXPIRED, grant, null);
        return new Verification(Outcome.VALID, grant, secretOf(body));
    }

    private String secretOf(String body) { return B64.encodeToString(hmac("secret\n" + body)); }

    private byte[] hmac(String text) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
