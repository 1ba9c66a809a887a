package dev.picspace.gateway.vod;

import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.NonceRegistry;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.domain.VodCredentials;
import dev.picspace.gateway.sign.Digests;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who signed a VOD request (vod.md §1.2–§1.5, §7.2). The scheme is chosen as the SDKs use them:
 * an {@code Authorization: ACS3-…} header means ACS3-HMAC-SHA256, a {@code Signature} parameter
 * means RPC HMAC-SHA1. Then, in this order: the timestamp within ±15 minutes, the key (a tenant's
 * AccessKey, or a temporary one with its SecurityToken), the signature, and last the nonce — only
 * a request that proved it holds the secret may use one up, so nobody can burn another's nonces.
 */
final class VodAuthenticator {
    /** vod.md §1.5: Timestamp / x-acs-date within 15 minutes of the server's time. */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    /**
     * How long a nonce is remembered: a request is acceptable while its timestamp is within
     * {@link #MAX_SKEW} of now, so one stamped up to 15 minutes ahead stays replayable for 30.
     */
    static final Duration NONCE_RETENTION = Duration.ofMinutes(30);

    /** The tenant a request acts for, and with which key it was signed. */
    record Caller(long tenantId, String accessKeyId, boolean temporary) {}

    /**
     * What the signature schemes read from one request.
     *
     * @param params      every parameter, query and form body, decoded
     * @param query       the query string's parameters only, decoded (ACS3 signs those)
     * @param headers     request headers by lowercase name (first value)
     * @param bodySha256  hex SHA-256 of the body bytes as received
     */
    record SignedRequest(String method, String path, Map<String, String> params, Map<String, String> query,
                         Map<String, String> headers, String bodySha256) {}

    private final MetadataStore metadata;
    private final TemporaryCredentials sts;
    private final NonceRegistry nonces;
    private final Clock clock;

    VodAuthenticator(MetadataStore metadata, TemporaryCredentials sts, NonceRegistry nonces, Clock clock) {
        this.metadata = metadata;
        this.sts = sts;
        this.nonces = nonces;
        this.clock = clock;
    }

    Caller authenticate(SignedRequest r) {
        String authorization = r.headers().get("authorization");
        if (authorization != null && authorization.trim().startsWith("ACS3-")) return acs3(r, authorization);
        if (r.params().containsKey("Signature")) return rpc(r);
        if (authorization != null)
            throw new VodApiException(VodError.incompleteSignature("The Authorization header is not ACS3-HMAC-SHA256; "
                    + "sign with it or with the RPC Signature parameter (HMAC-SHA1)."));
        if (blank(r.params().get("AccessKeyId"))) throw new VodApiException(VodError.missingParameter("AccessKeyId"));
        throw new VodApiException(VodError.missingParameter("Signature"));
    }

    private Caller rpc(SignedRequest r) {
        Map<String, String> p = r.params();
        String accessKeyId = required(p, "AccessKeyId");
        String signature = required(p, "Signature");
        String method = required(p, "SignatureMethod");
        String version = required(p, "SignatureVersion");
        String nonce = required(p, "SignatureNonce");
        String timestamp = required(p, "Timestamp");
        if (!method.equals("HMAC-SHA1"))
            throw new VodApiException(VodError.incompleteSignature("SignatureMethod must be HMAC-SHA1, not " + method + "."));
        if (!version.equals("1.0"))
            throw new VodApiException(VodError.incompleteSignature("SignatureVersion must be 1.0, not " + version + "."));
        checkTime(timestamp, "Timestamp");
        Key key = key(accessKeyId, p.get("SecurityToken"));
        String stringToSign = VodSignatures.rpcStringToSign(r.method(), p);
        if (!Digests.sameText(VodSignatures.rpcSignature(key.secret(), stringToSign), signature))
            throw new VodApiException(VodError.signatureDoesNotMatch(stringToSign));
        useNonce(accessKeyId, nonce);
        return new Caller(key.tenantId(), accessKeyId, key.temporary());
    }

    private Caller acs3(SignedRequest r, String authorization) {
        VodSignatures.Acs3Authorization auth;
        try {
            auth = VodSignatures.Acs3Authorization.parse(authorization);
        } catch (IllegalArgumentException e) {
            throw new VodApiException(VodError.incompleteSignature("The Authorization header is malformed: " + e.getMessage() + "."));
        }
        if (!auth.algorithm().equals(VodSignatures.ACS3_HMAC_SHA256))
            throw new VodApiException(VodError.incompleteSignature("Only ACS3-HMAC-SHA256 is supported, not " + auth.algorithm() + "."));
        Map<String, String> h = r.headers();
        // What must be covered: the host and every x-acs-* header sent (date, nonce, action, token…),
        // and the content type of a body whose parameters are read.
        for (String name : h.keySet()) {
            boolean mustSign = name.equals("host") || name.startsWith("x-acs-")
                    || (name.equals("content-type") && !r.bodySha256().equals(EMPTY_SHA256));
            if (mustSign && !auth.signedHeaders().contains(name))
                throw new VodApiException(VodError.incompleteSignature("The header " + name + " must be in SignedHeaders."));
        }
        String date = h.get("x-acs-date");
        if (blank(date)) throw new VodApiException(VodError.missingParameter("x-acs-date"));
        String nonce = h.get("x-acs-signature-nonce");
        if (blank(nonce)) throw new VodApiException(VodError.missingParameter("x-acs-signature-nonce"));
        checkTime(date, "x-acs-date");
        String headerAk = h.get("x-acs-accesskey-id");
        if (headerAk != null && !headerAk.trim().equals(auth.accessKeyId()))
            throw new VodApiException(VodError.securityTokenMismatch());
        Key key = key(auth.accessKeyId(), h.get("x-acs-security-token"));
        String canonical = VodSignatures.acs3CanonicalRequest(r.method(), r.path(), r.query(), auth.signedHeaders(), h,
                r.bodySha256());
        String stringToSign = VodSignatures.acs3StringToSign(canonical);
        String claimedHash = h.get("x-acs-content-sha256");
        if (claimedHash != null && !claimedHash.trim().equalsIgnoreCase(r.bodySha256()))
            throw new VodApiException(new VodError("SignatureDoesNotMatch", 400,
                    "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign,
                    "x-acs-content-sha256 is not the SHA-256 of the body received."));
        if (!Digests.sameText(VodSignatures.acs3Signature(key.secret(), stringToSign), auth.signature().toLowerCase(Locale.ROOT)))
            throw new VodApiException(VodError.signatureDoesNotMatch(stringToSign));
        useNonce(auth.accessKeyId(), nonce);
        return new Caller(key.tenantId(), auth.accessKeyId(), key.temporary());
    }

    static final String EMPTY_SHA256 = Digests.sha256Hex(new byte[0]);

    private record Key(long tenantId, String secret, boolean temporary) {}

    /** A tenant's own AccessKey, or picspace's temporary credentials when a SecurityToken comes with it. */
    private Key key(String accessKeyId, String securityToken) {
        if (securityToken != null && !securityToken.isEmpty()) {
            TemporaryCredentials.Verification v = sts.verify(accessKeyId, securityToken);
            switch (v.outcome()) {
                case MALFORMED -> throw new VodApiException(VodError.securityTokenMalformed());
                case EXPIRED -> throw new VodApiException(VodError.securityTokenExpired());
                case MISMATCH_WITH_ACCESS_KEY -> throw new VodApiException(VodError.securityTokenMismatch());
                case VALID -> { }
            }
            if (v.grant().scope() != TemporaryCredentials.Scope.VOD_API)
                throw new VodApiException(VodError.forbidden("This SecurityToken is an upload credential (UploadAuth): "
                        + "it only allows writing its one object, not calling the API."));
            return new Key(v.grant().tenantId(), v.secret(), true);
        }
        Optional<VodCredentials> c = metadata.findVodCredentials(accessKeyId);
        if (c.isEmpty()) throw new VodApiException(VodError.accessKeyNotFound());
        return new Key(c.get().tenantId(), c.get().accessKeySecret(), false);
    }

    private void checkTime(String value, String name) {
        Instant sent;
        try {
            sent = VodTime.parse(value);
        } catch (IllegalArgumentException e) {
            throw new VodApiException(VodError.timestampFormat(name + " must be yyyy-MM-ddTHH:mm:ssZ (UTC), not '" + value + "'."));
        }
        Instant now = clock.instant();
        if (Duration.between(sent, now).abs().compareTo(MAX_SKEW) > 0)
            throw new VodApiException(VodError.timestampExpired(name + " " + value + " is more than 15 minutes away from the server's time "
                    + VodTime.format(now) + "."));
    }

    private void useNonce(String accessKeyId, String nonce) {
        if (!nonces.firstUse("vod:" + accessKeyId, nonce, clock.instant().plus(NONCE_RETENTION)))
            throw new VodApiException(VodError.nonceUsed());
    }

    private static String required(Map<String, String> p, String name) {
        String v = p.get(name);
        if (blank(v)) throw new VodApiException(VodError.missingParameter(name));
        return v;
    }

    private static boolean blank(String s) { return s == null || s.isBlank(); }
}
