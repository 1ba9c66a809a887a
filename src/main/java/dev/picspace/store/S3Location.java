package dev.picspace.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where an {@link S3BlobStore} keeps its blobs, as the operator writes it:
 * {@code s3://BUCKET?endpoint=http://HOST:PORT&region=us-east-1&access_key=…&secret_key=…&prefix=…}.
 *
 * <ul>
 *   <li>{@code endpoint}: an S3-compatible server (MinIO, Ceph, S3Proxy, …); absent means AWS itself.
 *       Buckets are always addressed by path ({@code HOST/BUCKET/KEY}), which every S3-compatible
 *       server understands, and which needs no wildcard DNS.</li>
 *   <li>{@code region}: defaults to {@code AWS_REGION} from the environment, else {@code us-east-1}
 *       (what most S3-compatible servers expect).</li>
 *   <li>{@code access_key} and {@code secret_key}: both or neither; neither means the standard AWS
 *       chain (environment variables, system properties, profile, container or instance role).</li>
 *   <li>{@code prefix}: keys live under it (e.g. {@code picspace/}), so one bucket can be shared.</li>
 * </ul>
 *
 * {@link #toString} never shows the secret key: these strings end up in error messages and logs.
 */
public record S3Location(String bucket, URI endpoint, String region, String accessKey, String secretKey, String prefix) {

    private static final Set<String> PARAMETERS = Set.of("endpoint", "region", "access_key", "secret_key", "prefix");
    /** S3's rules for bucket names (3–63 characters, lowercase letters, digits, dots and hyphens). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** What a prefix may hold: nothing that needs escaping in a URL or surprises a listing. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._/-]*");

    public S3Location {
        if (bucket == null || !BUCKET.matcher(bucket).matches())
            throw new IllegalArgumentException("not an S3 bucket name (3-63 lowercase letters, digits, '.', '-'): '" + bucket + "'");
        if (region == null || region.isBlank()) throw new IllegalArgumentException("no S3 region");
        if ((accessKey == null) != (secretKey == null))
            throw new IllegalArgumentException("give both access_key and secret_key, or neither (then the AWS environment supplies them)");
        prefix = prefix == null ? "" : prefix;
        if (!PREFIX.matcher(prefix).matches() || prefix.startsWith("/") || prefix.contains("//"))
            throw new IllegalArgumentException("prefix may hold letters, digits, '.', '_', '-' and single inner '/': '" + prefix + "'");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix = prefix + "/";
        if (endpoint != null) {
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null)
                throw new IllegalArgumentException("endpoint must be http://HOST[:PORT] or https://HOST[:PORT], not '" + endpoint + "'");
        }
    }

    /** True for the URIs this class parses (so callers can choose a store by scheme). */
    public static boolean isS3(String uri) {
        return uri != null && uri.regionMatches(true, 0, "s3://", 0, 5);
    }

    /**
     * @param uri the {@code --blobs} value
     * @param env the process environment (for {@code AWS_REGION})
     * @throws IllegalArgumentException naming what is wrong, without echoing the secret key
     */
    public static S3Location parse(String uri, Map<String, String> env) {
        if (!isS3(uri)) throw new IllegalArgumentException("not an s3:// URI");
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed S3 URI: " + e.getReason() + " (expected s3://BUCKET?endpoint=…&region=…)");
        }
        String bucket = u.getHost() != null ? u.getHost() : u.getAuthority();
        if (bucket == null || bucket.isEmpty())
            throw new IllegalArgumentException("no bucket in the S3 URI (expected s3://BUCKET?endpoint=…&region=…)");
        if (u.getRawUserInfo() != null || u.getPort() != -1)
            throw new IllegalArgumentException("an S3 URI names a bucket, not a host: give the server as ?endpoint=http://HOST:PORT");
        if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
            throw new IllegalArgumentException("an S3 URI has no path: give a key prefix as ?prefix=…");
        if (u.getRawFragment() != null) throw new IllegalArgumentException("an S3 URI has no #fragment");

        Map<String, String> q = query(u.getRawQuery());
        URI endpoint = null;
        if (q.containsKey("endpoint")) {
            try {
                endpoint = new URI(q.get("endpoint"));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("endpoint is not a URL: " + e.getReason());
            }
        }
        String region = q.get("region");
        if (region == null) region = env.getOrDefault("AWS_REGION", "us-east-1");
        return new S3Location(bucket, endpoint, region, q.get("access_key"), q.get("secret_key"), q.get("prefix"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!PARAMETERS.contains(name))
                throw new IllegalArgumentException("unknown S3 URI parameter '" + name + "' (known: endpoint, region, access_key, secret_key, prefix)");
            if (q.containsKey(name)) throw new IllegalArgumentException("S3 URI parameter '" + name + "' given twice");
            if (value.isEmpty()) throw new IllegalArgumentException("S3 URI parameter '" + name + "' is empty");
            q.put(name, value);
        }
        return q;
    }

    /**
     * %-escapes only: a '+' stays a '+', because AWS secret keys contain them and operators paste
     * them as they are (form decoding would turn them into spaces and fail every signature).
     */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad %-escape in the S3 URI");
        }
    }

    /** The object key of a blob: {@code <prefix>ab/cd/<sha256>}, the same fan-out as the directory store. */
    String objectKey(String blobKey) {
        BlobKeys.require(blobKey);
        return prefix + blobKey.substring(0, 2) + "/" + blobKey.substring(2, 4) + "/" + blobKey;
    }

    /** The blob key an object key names, or null when the object is not a blob of ours. */
    String blobKeyOf(String objectKey) {
        if (objectKey == null || !objectKey.startsWith(prefix)) return null;
        String rest = objectKey.substring(prefix.length());
        if (rest.length() != 6 + BlobKeys.LENGTH || rest.charAt(2) != '/' || rest.charAt(5) != '/') return null;
        String key = rest.substring(6);
        if (!BlobKeys.isValid(key) || !rest.startsWith(key.substring(0, 2) + "/" + key.substring(2, 4) + "/")) return null;
        return key;
    }

    /** {@code s3://bucket/prefix} at the endpoint, for messages. */
    public String describe() {
        return "s3://" + bucket + "/" + prefix + (endpoint != null ? " at " + endpoint : "");
    }

    @Override
    public String toString() {
        return "S3Location[bucket=" + bucket + ", endpoint=" + endpoint + ", region=" + region + ", accessKey="
                + accessKey + ", secretKey=" + (secretKey == null ? null : "***") + ", prefix=" + prefix + "]";
    }
}
