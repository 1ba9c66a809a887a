package dev.picspace.gateway;

import dev.picspace.domain.Picture;
import dev.picspace.domain.Tenant;
import dev.picspace.gateway.serve.UrlSignatureVerifier;
import dev.picspace.gateway.sign.CdnAuthKey;
import dev.picspace.gateway.sign.Digests;
import dev.picspace.gateway.sign.OssV1Signature;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URLs the VOD dialect hands out, and their signatures (vod.md §3.9, §4):
 * <ul>
 *   <li>{@code URL} (OutputType=cdn): the picture path {@code /i/<token>.<ext>}, with a CDN Type-A
 *       {@code auth_key} when the tenant's URLs must be signed;</li>
 *   <li>{@code FileURL} / OutputType=oss: the object in picspace's OSS-compatible endpoint,
 *       {@code <base>/<bucket>/image/<type>/<ImageId>.<ext>}, OSS-V1-presigned with the tenant's own
 *       VOD AccessKey when signing is on (so the tenant can also presign such URLs itself with the
 *       OSS SDK).</li>
 * </ul>
 * The CDN private key of a tenant is derived from a service-wide key (every node derives the same
 * one; a CDN in front can be configured with it: {@link #cdnPrivateKey}).
 */
public final class MediaUrls implements UrlSignatureVerifier {
    /** Taobao-compatible default validity period of a signed CDN URL when the caller gives none. */
    public static final long DEFAULT_AUTH_TIMEOUT = 3600;
    /** OSS presigned URLs from VOD: at most 30 days (VOD system bucket, vod.md §3.2). */
    public static final long MAX_OSS_AUTH_TIMEOUT = 2_592_000;

    private static final Pattern OBJECT_KEY = Pattern.compile("image/([A-Za-z]{1,32})/([0-9a-f]{32})\\.([A-Za-z]{3,4})");

    private final PictureUrls pictureUrls;
    private final String base;
    private final String bucket;
    private final byte[] urlKey;
    private final long cdnTtlSeconds;
    private final Clock clock;
    private final java.util.function.Function<Long, Optional<dev.picspace.domain.VodCredentials>> vodCredentialsOfTenant;

    /**
     * @param publicBaseUrl   where picspace is reached (no trailing slash)
     * @param bucket          the OSS bucket name picspace answers to
     * @param urlKeyHex       service-wide key the CDN keys are derived from
     * @param cdnTtlSeconds   the CDN "default validity period" (1800 on Alibaba CDN)
     */
    public MediaUrls(String publicBaseUrl, String bucket, String urlKeyHex, long cdnTtlSeconds, Clock clock,
                     java.util.function.Function<Long, Optional<dev.picspace.domain.VodCredentials>> vodCredentialsOfTenant) {
        this.base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        this.pictureUrls = new PictureUrls(base);
        this.bucket = bucket;
        this.urlKey = java.util.HexFormat.of().parseHex(urlKeyHex);
        this.cdnTtlSeconds = cdnTtlSeconds;
        this.clock = clock;
        this.vodCredentialsOfTenant = vodCredentialsOfTenant;
    }

    public String bucket() { return bucket; }

    /** The OSS endpoint clients upload to (UploadAddress.Endpoint): picspace itself, path-style. */
    public String ossEndpoint() { return base; }

    /** {@code image/<type>/<ImageId>.<ext>}: the object key of a picture. */
    public static String objectKey(Picture p) {
        String type = p.imageType() == null || p.imageType().isBlank() ? "default" : p.imageType();
        return "image/" + type + "/" + p.imageId() + "." + p.format().extension();
    }

    /** The ImageId an object key names, if it has the shape picspace issues. */
    public static Optional<String> imageIdOf(String objectKey) {
        Matcher m = OBJECT_KEY.matcher(objectKey);
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The tenant's CDN Type-A private key (hex, 32 chars). */
    public String cdnPrivateKey(long tenantId) {
        return Digests.hex(Digests.hmac("HmacSHA256", urlKey, "cdn\n" + tenantId)).substring(0, 32);
    }

    /** The CDN URL (GetImageInfo URL): signed for {@code authTimeout} seconds when the tenant asks for signing. */
    public String cdnUrl(Picture p, Tenant t, long authTimeoutSeconds) {
        String url = pictureUrls.urlOf(p, base.startsWith("https://"));
        if (!t.signedUrls()) return url;
        String path = pictureUrls.pathOf(p);
        long expires = clock.instant().getEpochSecond() + authTimeoutSeconds;
        return url + "?auth_key=" + CdnAuthKey.authKey(path, cdnPrivateKey(t.id()), expires, cdnTtlSeconds,
                java.util.UUID.randomUUID().toString().replace("-", ""));
    }

    /** The object's OSS URL without any signature (CreateUploadImage FileURL, "the OSS URL without auth"). */
    public String objectUrl(Picture p) { return base + "/" + bucket + "/" + objectKey(p); }

    /** The OSS URL (FileURL, OutputType=oss): presigned for {@code authTimeout} seconds when the tenant asks for signing. */
    public String ossUrl(Picture p, Tenant t, long authTimeoutSeconds) {
        String url = objectUrl(p);
        if (!t.signedUrls()) return url;
        String key = objectKey(p);
        dev.picspace.domain.VodCredentials vod = vodCredentialsOfTenant.apply(t.id()).orElseThrow();
        String ak = vod.accessKeyId();
        String secret = vod.accessKeySecret();
        long expires = clock.instant().getEpochSecond() + Math.min(authTimeoutSeconds, MAX_OSS_AUTH_TIMEOUT);
        String sts = OssV1Signature.stringToSign("GET", "", "", Long.toString(expires), Map.of(),
                OssV1Signature.canonicalResource(bucket, key, Map.of()));
        return url + "?Expires=" + expires + "&OSSAccessKeyId=" + Digests.percentEncode(ak)
                + "&Signature=" + Digests.percentEncode(OssV1Signature.sign(secret, sts));
    }

    /** Picture serving's check for signed-URL tenants: a valid, unexpired CDN {@code auth_key}. */
    @Override
    public boolean verify(Request request, Picture picture) {
        Fields q = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        Fields.Field f = q.get("auth_key");
        if (f == null || f.getValues().size() != 1) return false;
        return CdnAuthKey.problem(request.getHttpURI().getPath(), f.getValue(), cdnPrivateKey(picture.tenantId()),
                clock.instant().getEpochSecond(), cdnTtlSeconds).isEmpty();
    }
}
