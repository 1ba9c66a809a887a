package dev.picspace.gateway.vod;

import dev.picspace.gateway.sign.Digests;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two signature schemes of Alibaba Cloud RPC APIs, as the SDKs compute them (vod.md §1.3,
 * §1.4). Both are built from DECODED parameter values re-encoded with RFC 3986 rules
 * ({@link Digests#percentEncode}): the SDKs' wire encoding differs from the canonical one
 * ({@code *} raw, {@code ~} as {@code %7E}), so the raw query string is never signed.
 */
final class VodSignatures {
    private VodSignatures() {}

    static final String ACS3_HMAC_SHA256 = "ACS3-HMAC-SHA256";

    // ------------------------------------------------------------------ RPC HMAC-SHA1 (SignatureVersion=1.0)

    /**
     * {@code METHOD & %2F & percentEncode(sorted k=v joined by &)} over every parameter but
     * {@code Signature}; sorted by name in {@link String#compareTo} order, as the SDKs do.
     */
    static String rpcStringToSign(String httpMethod, Map<String, String> decodedParams) {
        TreeMap<String, String> sorted = new TreeMap<>(decodedParams);
        sorted.remove("Signature");
        return httpMethod + "&" + Digests.percentEncode("/") + "&" + Digests.percentEncode(canonicalQuery(sorted));
    }

    /** Base64 HMAC-SHA1 with the key {@code secret + "&"}. */
    static String rpcSignature(String accessKeySecret, String stringToSign) {
        return Digests.base64(Digests.hmac("HmacSHA1", (accessKeySecret + "&").getBytes(StandardCharsets.UTF_8), stringToSign));
    }

    // ------------------------------------------------------------------ ACS3-HMAC-SHA256

    /** A parsed {@code Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…}. */
    record Acs3Authorization(String algorithm, String accessKeyId, List<String> signedHeaders, String signature) {

        /** @throws IllegalArgumentException when it is not of that shape */
        static Acs3Authorization parse(String header) {
            String h = header.trim();
            int space = h.indexOf(' ');
            if (space < 0) throw new IllegalArgumentException("no credentials after the algorithm");
            String algorithm = h.substring(0, space);
            String credential = null, signed = null, signature = null;
            for (String part : h.substring(space + 1).split(",")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException("'" + p + "' is not name=value");
                String name = p.substring(0, eq).trim(), value = p.substring(eq + 1).trim();
                switch (name) {
                    case "Credential" -> credential = value;
                    case "SignedHeaders" -> signed = value;
                    case "Signature" -> signature = value;
                    default -> throw new IllegalArgumentException("unknown field " + name);
                }
            }
            if (credential == null || credential.isEmpty()) throw new IllegalArgumentException("no Credential");
            if (signed == null || signed.isEmpty()) throw new IllegalArgumentException("no SignedHeaders");
            if (signature == null || signature.isEmpty()) throw new IllegalArgumentException("no Signature");
            List<String> names = new ArrayList<>();
            for (String n : signed.split(";")) if (!n.isBlank()) names.add(n.trim().toLowerCase(java.util.Locale.ROOT));
            return new Acs3Authorization(algorithm, credential, List.copyOf(names), signature);
        }
    }

    /**
     * {@code METHOD \n URI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload}.
     *
     * @param decodedQuery  the query string's parameters only (a form body is covered by the payload hash)
     * @param headerValues  the value of each signed header by lowercase name (missing ones sign as empty)
     */
    static String acs3CanonicalRequest(String httpMethod, String path, Map<String, String> decodedQuery,
                                       List<String> signedHeaders, Map<String, String> headerValues, String payloadSha256Hex) {
        TreeMap<String, String> headers = new TreeMap<>();
        for (String name : signedHeaders) {
            String v = headerValues.get(name);
            headers.put(name, v == null ? "" : v.trim());
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (Map.Entry<String, String> e : headers.entrySet())
            canonicalHeaders.append(e.getKey()).append(':').append(e.getValue()).append('\n');
        return httpMethod + "\n" + path + "\n" + canonicalQuery(new TreeMap<>(decodedQuery)) + "\n" + canonicalHeaders
                + "\n" + String.join(";", headers.keySet()) + "\n" + payloadSha256Hex;
    }

    static String acs3StringToSign(String canonicalRequest) {
        return ACS3_HMAC_SHA256 + "\n" + Digests.sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex HMAC-SHA256 with the secret itself as the key (no {@code &}). */
    static String acs3Signature(String accessKeySecret, String stringToSign) {
        return Digests.hex(Digests.hmac("HmacSHA256", accessKeySecret, stringToSign));
    }

    /** {@code k=v&…} of already sorted decoded pairs, each side percent-encoded. */
    private static String canonicalQuery(TreeMap<String, String> sorted) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (b.length() > 0) b.append('&');
            b.append(Digests.percentEncode(e.getKey())).append('=').append(Digests.percentEncode(e.getValue() == null ? "" : e.getValue()));
        }
        return b.toString();
    }
}
