package dev.picspace.gateway.sign;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Alibaba OSS signature version 1 (vod.md §4.2), for both the {@code Authorization: OSS AK:SIG}
 * header and presigned URLs ({@code ?OSSAccessKeyId=&Expires=&Signature=}):
 * {@code Base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate-or-Expires\n
 * CanonicalizedOSSHeaders CanonicalizedResource))}. The key is the secret alone (no {@code &}).
 */
public final class OssV1Signature {
    private OssV1Signature() {}

    /**
     * The query parameters that are part of the canonical resource; every other one is not signed.
     * The documented list (vod.md §4.2) plus what the OSS Java SDK 3.18.5 signs besides
     * ({@code SignParameters.SIGNED_PARAMTERS}: versionId, sequential, x-oss-traffic-limit, …): a
     * server must put into the canonical resource exactly what the client did, or a request that
     * carries one of them (a presigned URL with a traffic limit, say) would fail its signature.
     */
    public static final Set<String> SIGNED_SUBRESOURCES = Set.of("acl", "uploads", "location", "cors", "logging",
            "website", "referer", "lifecycle", "delete", "append", "tagging", "objectMeta", "uploadId", "partNumber",
            "security-token", "position", "img", "style", "styleName", "replication", "replicationProgress",
            "replicationLocation", "cname", "bucketInfo", "comp", "qos", "live", "status", "vod", "startTime",
            "endTime", "symlink", "x-oss-process", "response-content-type", "response-content-language",
            "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding",
            // signed by the OSS Java SDK 3.18.5 as well
            "processConfiguration", "stat", "udf", "udfName", "udfImage", "udfImageDesc", "udfApplication",
            "udfApplicationLog", "restore", "versions", "versioning", "versionId", "encryption", "policy",
            "requestPayment", "x-oss-traffic-limit", "qosInfo", "asyncFetch", "sequential", "x-oss-request-payer",
            "vpcip", "vip", "inventory", "inventoryId", "continuation-token", "worm", "wormId", "wormExtend",
            "callback", "callback-var", "x-oss-dir", "x-oss-rename", "x-oss-delete", "transferAcceleration",
            "x-oss-ac-source-ip", "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow", "metaQuery",
            "resourceGroup", "regionList", "x-oss-async-process", "x-oss-write-get-object-response",
            "bucketArchiveDirectRead", "httpsConfig", "publicAccessBlock", "policyStatus", "redundancyTransition",
            "x-oss-target-redundancy-type", "x-oss-redundancy-transition-taskid", "accessPoint", "accessPointPolicy",
            "seal");

    /**
     * {@code /bucket/key} plus {@code ?} and the signed sub-resources present in {@code query}
     * (decoded values), sorted by name, {@code name=value} or a bare {@code name} when the value is empty.
     */
    public static String canonicalResource(String bucket, String key, Map<String, String> query) {
        StringBuilder b = new StringBuilder("/").append(bucket).append('/').append(key);
        TreeMap<String, String> signed = new TreeMap<>();
        for (Map.Entry<String, String> e : query.entrySet())
            if (SIGNED_SUBRESOURCES.contains(e.getKey())) signed.put(e.getKey(), e.getValue());
        char sep = '?';
        for (Map.Entry<String, String> e : signed.entrySet()) {
            b.append(sep).append(e.getKey());
            if (e.getValue() != null && !e.getValue().isEmpty()) b.append('=').append(e.getValue());
            sep = '&';
        }
        return b.toString();
    }

    /**
     * @param ossHeaders every request header whose lowercase name starts with {@code x-oss-} (names
     *                   in any case; values trimmed here)
     * @param dateOrExpires the {@code Date} header, or the {@code Expires} parameter for a presigned URL
     */
    public static String stringToSign(String verb, String contentMd5, String contentType, String dateOrExpires,
                                      Map<String, String> ossHeaders, String canonicalResource) {
        StringBuilder b = new StringBuilder();
        b.append(verb).append('\n').append(nz(contentMd5)).append('\n').append(nz(contentType)).append('\n')
                .append(nz(dateOrExpires)).append('\n');
        TreeMap<String, String> h = new TreeMap<>();
        for (Map.Entry<String, String> e : ossHeaders.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-oss-")) h.put(name, e.getValue() == null ? "" : e.getValue().trim());
        }
        for (Map.Entry<String, String> e : h.entrySet()) b.append(e.getKey()).append(':').append(e.getValue()).append('\n');
        return b.append(canonicalResource).toString();
    }

    public static String sign(String secret, String stringToSign) {
        return Digests.base64(Digests.hmac("HmacSHA1", secret.getBytes(StandardCharsets.UTF_8), stringToSign));
    }

    private static String nz(String s) { return s == null ? "" : s; }
}
