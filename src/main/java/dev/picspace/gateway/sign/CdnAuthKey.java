package dev.picspace.gateway.sign;

import java.util.Optional;

/**
 * Alibaba Cloud CDN URL signing, Type A — the only type VOD supports (vod.md §4.1):
 * {@code URI?auth_key={timestamp}-{rand}-{uid}-{md5hash}} with
 * {@code md5hash = md5("{URI}-{timestamp}-{rand}-{uid}-{PrivateKey}")}, URI the path without the query.
 *
 * <p>As on the real CDN, a URL is valid until {@code timestamp + ttl}, where {@code ttl} is the
 * domain's "default validity period"; so a URL meant to live {@code authTimeout} seconds carries
 * {@code timestamp = now + authTimeout − ttl} (the VOD console's negative offsets come from this).
 * Keeping those semantics means a real Alibaba CDN in front of picspace, configured with the same
 * key and period, accepts the same URLs.
 */
public final class CdnAuthKey {
    private CdnAuthKey() {}

    /** The query parameter's value for {@code uri}, expiring at {@code expiresEpochSecond}. */
    public static String authKey(String uri, String privateKey, long expiresEpochSecond, long ttlSeconds, String rand) {
        if (rand.indexOf('-') >= 0) throw new IllegalArgumentException("rand must not contain '-'");
        long timestamp = expiresEpochSecond - ttlSeconds;
        String uid = "0";
        return timestamp + "-" + rand + "-" + uid + "-" + Digests.md5Hex(uri + "-" + timestamp + "-" + rand + "-" + uid + "-" + privateKey);
    }

    /** Why an {@code auth_key} was refused, or empty when it is valid. Never throws on garbage. */
    public static Optional<String> problem(String uri, String authKey, String privateKey, long nowEpochSecond, long ttlSeconds) {
        if (authKey == null || authKey.isEmpty()) return Optional.of("missing auth_key");
        String[] f = authKey.split("-", -1);
        if (f.length != 4) return Optional.of("malformed auth_key");
        long timestamp;
        try {
            timestamp = Long.parseLong(f[0]);
        } catch (NumberFormatException e) {
            return Optional.of("malformed auth_key timestamp");
        }
        String expected = Digests.md5Hex(uri + "-" + f[0] + "-" + f[1] + "-" + f[2] + "-" + privateKey);
        if (!Digests.sameText(expected, f[3].toLowerCase(java.util.Locale.ROOT))) return Optional.of("invalid md5hash");
        if (timestamp > Long.MAX_VALUE - ttlSeconds || timestamp + ttlSeconds < nowEpochSecond) return Optional.of("expired timestamp");
        return Optional.empty();
    }
}
