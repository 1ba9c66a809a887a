package dev.picspace.gateway.sign;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The published vectors (vod.md §1.3, §4.1, §4.2), re-computed. */
class SignaturesTest {

    @Test
    void cdnTypeAMatchesTheDocumentedVector() {
        // /video/standard/1K.html-1444435200-0-0-aliyuncdnexp1234 → 80cd3862d699b7118eed99103f2a3a4f
        String key = CdnAuthKey.authKey("/video/standard/1K.html", "aliyuncdnexp1234", 1444435200L + 1800, 1800, "0");
        assertThat(key).isEqualTo("1444435200-0-0-80cd3862d699b7118eed99103f2a3a4f");
        assertThat(CdnAuthKey.problem("/video/standard/1K.html", key, "aliyuncdnexp1234", 1444435200L + 1800, 1800)).isEmpty();
        assertThat(CdnAuthKey.problem("/video/standard/1K.html", key, "aliyuncdnexp1234", 1444435200L + 1801, 1800)).contains("expired timestamp");
        assertThat(CdnAuthKey.problem("/video/standard/2K.html", key, "aliyuncdnexp1234", 1444435200L, 1800)).contains("invalid md5hash");
        assertThat(CdnAuthKey.problem("/video/standard/1K.html", key, "other", 1444435200L, 1800)).contains("invalid md5hash");
        for (String junk : new String[]{null, "", "x", "a-b-c-d", "1-2-3", "9999999999999999999-0-0-00"})
            assertThat(CdnAuthKey.problem("/v", junk, "k", 0, 1800)).isPresent();
    }

    @Test
    void ossV1MatchesTheDocumentedPresignVector() {
        String sts = OssV1Signature.stringToSign("GET", "", "", "1141889120", Map.of(),
                OssV1Signature.canonicalResource("oss-example", "oss-api.pdf", Map.of()));
        assertThat(sts).isEqualTo("GET\n\n\n1141889120\n/oss-example/oss-api.pdf");
        assertThat(OssV1Signature.sign("OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", sts)).isEqualTo("EwaNTn1erJGkimiJ9WmXgwnANLc=");
    }

    @Test
    void ossCanonicalResourceKeepsOnlySignedSubresourcesSortedAndOssHeadersLowercased() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("x-oss-process", "image/resize,w_100");
        q.put("Expires", "1");
        q.put("uploadId", "abc");
        q.put("partNumber", "2");
        q.put("uploads", "");
        assertThat(OssV1Signature.canonicalResource("b", "image/default/x.png", q))
                .isEqualTo("/b/image/default/x.png?partNumber=2&uploadId=abc&uploads&x-oss-process=image/resize,w_100");
        assertThat(OssV1Signature.stringToSign("PUT", "md5", "image/png", "Sun, 22 Nov 2026 10:51:07 GMT",
                Map.of("X-OSS-Security-Token", " t ", "x-oss-meta-a", "1", "Content-Length", "9"), "/b/k"))
                .isEqualTo("PUT\nmd5\nimage/png\nSun, 22 Nov 2026 10:51:07 GMT\nx-oss-meta-a:1\nx-oss-security-token:t\n/b/k");
    }

    @Test
    void percentEncodeIsRfc3986AsAlibabaSigns() {
        assertThat(Digests.percentEncode("a b+c*d~e/f?g=h&标")).isEqualTo("a%20b%2Bc%2Ad~e%2Ff%3Fg%3Dh%26%E6%A0%87");
        assertThat(Digests.percentEncode("2017-10-10T12:02:54Z")).isEqualTo("2017-10-10T12%3A02%3A54Z");
    }
}
