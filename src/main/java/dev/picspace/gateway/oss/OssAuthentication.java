package dev.picspace.gateway.oss;

import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.domain.VodCredentials;
import dev.picspace.gateway.sign.Digests;
import dev.picspace.gateway.sign.OssV1Signature;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpDateTime;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Who sent an OSS request: OSS signature version 1 (vod.md §4.2; OSS API reference "Add a signature
 * to the header" and "Add signatures to a URL"), in either form —
 * <ul>
 *   <li>header: {@code Authorization: OSS <AccessKeyId>:<Signature>} with a {@code Date} within
 *       {@link #MAX_SKEW} of the server's clock (else 403 RequestTimeTooSkewed);</li>
 *   <li>presigned URL: {@code ?OSSAccessKeyId=&Expires=&Signature=}, refused once {@code Expires}
 *       (epoch seconds) has passed (403 AccessDenied, "Request has expired.").</li>
 * </ul>
 * The AccessKey is a tenant's own VOD AccessKey ({@link MetadataStore#findVodCredentials}) or an
 * {@code STS.} key picspace issued, whose token comes in {@code x-oss-security-token} (header form,
 * then also a signed {@code x-oss-*} header) or {@code security-token} (URL form, then a signed
 * sub-resource) and is checked by {@link TemporaryCredentials#verify}. No credentials at all is
 * {@link Principal#ANONYMOUS}; what each principal may do is {@link OssGateway}'s decision.
 *
 * <p>Failures, as OSS answers them: both forms at once → 400 InvalidArgument; unknown AccessKey or
 * a missing or invalid token → 403 InvalidAccessKeyId; an expired token → 403 AccessDenied; a wrong
 * signature → 403 SignatureDoesNotMatch carrying the {@code StringToSign} the server computed (so a
 * client can see what differs, as OSS does). Secrets never appear in an answer.
 */
final class OssAuthentication {
    /** vod.md §4.2: "Date must be within 15 min of server time (else 403)". */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);

    enum Kind {
        /** No credentials: only public-read GET/HEAD. */
        ANONYMOUS,
        /** The tenant's own VOD AccessKey, or a VOD_API temporary credential: the tenant's objects. */
        TENANT,
        /** An OSS_OBJECT temporary credential (UploadAuth): exactly {@link Principal#objectKey()}. */
        OBJECT
    }

    /** @param objectKey only for {@link Kind#OBJECT} */
    record Principal(Kind kind, long tenantId, String objectKey, String accessKeyId) {
        static final Principal ANONYMOUS = new Principal(Kind.ANONYMOUS, -1, null, null);
    }

    private final MetadataStore metadata;
    private final TemporaryCredentials sts;
    private final Clock clock;

    OssAuthentication(MetadataStore metadata, TemporaryCredentials sts, Clock clock) {
        this.metadata = Objects.requireNonNull(metadata);
        this.sts = Objects.requireNonNull(sts);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * @param key   the decoded object key
     * @param query the decoded query parameters (first value of each name; repeats of the
     *              signature parameters were refused by the caller)
     */
    Principal authenticate(Request request, String bucket, String key, Map<String, String> query) {
        String authorization = single(request, HttpHeader.AUTHORIZATION.asString());
        boolean presigned = query.containsKey("OSSAccessKeyId") || query.containsKey("Signature") || query.containsKey("Expires");
        if (authorization != null && presigned)
            throw OssErrorException.invalidArgument("Authorization header and a query-string signature (OSSAccessKeyId, "
                    + "Expires, Signature) cannot both be given.");
        if (authorization == null && !presigned) return Principal.ANONYMOUS;

        Instant now = clock.instant();
        String accessKeyId, signature, dateOrExpires, token;
        if (authorization != null) {
            if (!authorization.startsWith("OSS "))
                throw OssErrorException.invalidArgument("Authorization header is invalid: only OSS signature version 1 "
                        + "(\"OSS <AccessKeyId>:<Signature>\") is supported.");
            String credential = authorization.substring(4).strip();
            int colon = credential.indexOf(':');
            if (colon <= 0 || colon == credential.length() - 1)
                throw OssErrorException.invalidArgument("Authorization header is invalid: expected \"OSS <AccessKeyId>:<Signature>\".");
            accessKeyId = credential.substring(0, colon);
            signature = credential.substring(colon + 1);
            dateOrExpires = single(request, HttpHeader.DATE.asString());
            if (dateOrExpires == null) throw OssErrorException.accessDenied("OSS authentication requires a valid Date.");
            long date = parseDateMillis(dateOrExpires);
            if (date == Long.MIN_VALUE) throw OssErrorException.accessDenied("OSS authentication requires a valid Date.");
            if (Math.abs(now.toEpochMilli() - date) > MAX_SKEW.toMillis())
                throw new OssErrorException(403, "RequestTimeTooSkewed",
                        "The difference between the request time and the current time is too large.",
                        Map.of("RequestTime", dateOrExpires, "ServerTime", now.toString()));
            token = single(request, "x-oss-security-token");
        } else {
            accessKeyId = query.get("OSSAccessKeyId");
            signature = query.get("Signature");
            dateOrExpires = query.get("Expires");
            if (isBlank(accessKeyId) || isBlank(signature) || isBlank(dateOrExpires))
                throw OssErrorException.accessDenied("A signed URL needs OSSAccessKeyId, Expires and Signature.");
            long expires;
            try {
                expires = Long.parseLong(dateOrExpires);
            } catch (NumberFormatException e) {
                throw OssErrorException.accessDenied("Expires must be a time in seconds since the epoch, not '" + dateOrExpires + "'.");
            }
            if (now.getEpochSecond() > expires)
                throw new OssErrorException(403, "AccessDenied", "Request has expired.",
                        Map.of("Expires", Instant.ofEpochSecond(expires).toString(), "ServerTime", now.toString()));
            token = query.get("security-token");
        }

        Resolved who = resolve(accessKeyId, token);
        String stringToSign = OssV1Signature.stringToSign(request.getMethod(),
                single(request, HttpHeader.CONTENT_MD5.asString()), single(request, HttpHeader.CONTENT_TYPE.asString()),
                dateOrExpires, ossHeaders(request), OssV1Signature.canonicalResource(bucket, key, query));
        if (!Digests.sameText(OssV1Signature.sign(who.secret(), stringToSign), signature)) {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("OSSAccessKeyId", accessKeyId);
            extra.put("SignatureProvided", signature);
            extra.put("StringToSign", stringToSign);
            extra.put("StringToSignBytes", hexBytes(stringToSign));
            throw new OssErrorException(403, "SignatureDoesNotMatch", "The request signature we calculated does not match "
                    + "the signature you provided. Check your key and signing method.", extra);
        }
        return who.principal();
    }

    private record Resolved(Principal principal, String secret) {}

    /** The secret to check the signature with, and whose it is. */
    private Resolved resolve(String accessKeyId, String token) {
        if (accessKeyId.startsWith("STS.")) {
            if (isBlank(token))
                throw new OssErrorException(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our "
                        + "records. The Security Token may be lost to specify that it is a STS Access Id.",
                        Map.of("OSSAccessKeyId", accessKeyId));
            TemporaryCredentials.Verification v = sts.verify(accessKeyId, token);
            switch (v.outcome()) {
                case VALID -> { }
                case EXPIRED -> throw new OssErrorException(403, "AccessDenied", "The security token you provided has expired.",
                        Map.of("OSSAccessKeyId", accessKeyId));
                default -> throw new OssErrorException(403, "InvalidAccessKeyId", "The security token you provided is invalid.",
                        Map.of("OSSAccessKeyId", accessKeyId));
            }
            TemporaryCredentials.Grant g = v.grant();
            Principal p = g.scope() == TemporaryCredentials.Scope.OSS_OBJECT
                    ? new Principal(Kind.OBJECT, g.tenantId(), g.objectKey(), accessKeyId)
                    : new Principal(Kind.TENANT, g.tenantId(), null, accessKeyId);
            return new Resolved(p, v.secret());
        }
        VodCredentials c = metadata.findVodCredentials(accessKeyId).orElseThrow(() -> new OssErrorException(403,
                "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
                Map.of("OSSAccessKeyId", accessKeyId)));
        return new Resolved(new Principal(Kind.TENANT, c.tenantId(), null, accessKeyId), c.accessKeySecret());
    }

    /** Every {@code x-oss-*} header; a name sent twice is one comma-separated value (RFC 9110 §5.3). */
    private static Map<String, String> ossHeaders(Request request) {
        Map<String, String> h = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            String name = f.getName().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-oss-")) h.merge(name, f.getValue().strip(), (a, b) -> a + "," + b);
        }
        return h;
    }

    /** A header that must occur at most once: a repeated Authorization or Date is ambiguous. */
    private static String single(Request request, String name) {
        java.util.List<String> values = request.getHeaders().getValuesList(name);
        if (values.isEmpty()) return null;
        if (values.size() > 1) throw OssErrorException.invalidArgument("The header " + name + " is given more than once.");
        return values.get(0);
    }

    private static long parseDateMillis(String value) {
        try {
            long millis = HttpDateTime.parseToEpoch(value);
            return millis == -1 ? Long.MIN_VALUE : millis;
        } catch (RuntimeException malformed) {
            return Long.MIN_VALUE;
        }
    }

    /** OSS's StringToSignBytes: the UTF-8 bytes as space-separated two-digit hex. */
    private static String hexBytes(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            if (b.length() > 0) b.append(' ');
            b.append(String.format("%02x", x & 0xFF));
        }
        return b.toString();
    }

    private static boolean isBlank(String s) { return s == null || s.isBlank(); }
}
