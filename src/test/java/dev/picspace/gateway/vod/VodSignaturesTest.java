package dev.picspace.gateway.vod;

import dev.picspace.gateway.sign.Digests;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two signature schemes against the documented vector and their canonical forms. */
class VodSignaturesTest {

    /** vod.md §1.3, item 6: the documented GetVideoPlayAuth request. */
    @Test
    void theDocumentedRpcVector() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("VideoId", "5aed81b74ba84920be578cdfe004af4b");
        p.put("Timestamp", "2017-10-10T12:02:54Z");
        p.put("SignatureVersion", "1.0");
        p.put("Action", "GetVideoPlayAuth");
        p.put("Format", "JSON");
        p.put("SignatureNonce", "8f8a035d-6496-4268-afd4-67c22837e38d");
        p.put("Version", "2017-03-21");
        p.put("AccessKeyId", "testAccessKeyId");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("Signature", "ignored: never part of what is signed");
        String sts = VodSignatures.rpcStringToSign("GET", p);
        assertThat(sts).isEqualTo("GET&%2F&AccessKeyId%3DtestAccessKeyId%26Action%3DGetVideoPlayAuth%26Format%3DJSON"
                + "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D8f8a035d-6496-4268-afd4-67c22837e38d"
                + "%26SignatureVersion%3D1.0%26Timestamp%3D2017-10-10T12%253A02%253A54Z%26Version%3D2017-03-21"
                + "%26VideoId%3D5aed81b74ba84920be578cdfe004af4b");
        assertThat(VodSignatures.rpcSignature("testAccessKeySecret", sts)).isEqualTo("Ibgh7y8Vp47LBuAsf5Xhi1SvDss=");
    }

    @Test
    void valuesAreCanonicalisedFromTheirDecodedFormWithRfc3986() {
        // vod.md §1.7: the SDK sends '*' raw and '~' as %7E; the canonical form is %2A and '~'
        String sts = VodSignatures.rpcStringToSign("POST", Map.of("Title", "标题 a+b*c~d/e?f=g&h"));
        assertThat(sts).isEqualTo("POST&%2F&" + Digests.percentEncode("Title=" + Digests.percentEncode("标题 a+b*c~d/e?f=g&h")));
        assertThat(Digests.percentEncode("标题 a+b*c~d/e?f=g&h")).isEqualTo("%E6%A0%87%E9%A2%98%20a%2Bb%2Ac~d%2Fe%3Ff%3Dg%26h");
        assertThat(VodSignatures.rpcStringToSign("GET", Map.of("b", "", "a", "1"))).isEqualTo("GET&%2F&a%3D1%26b%3D");
    }

    @Test
    void acs3CanonicalRequestAndSignature() {
        String empty = Digests.sha256Hex(new byte[0]);
        assertThat(empty).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        Map<String, String> headers = Map.of("host", "127.0.0.1:8080", "x-acs-action", "GetImageInfo", "x-acs-version", "2017-03-21",
                "x-acs-date", "2026-11-22T10:51:08Z", "x-acs-signature-nonce", "n1", "x-acs-content-sha256", empty);
        String canonical = VodSignatures.acs3CanonicalRequest("POST", "/", Map.of("Title", "标题 a+b*c~d", "ImageId", "x"),
                List.of("x-acs-version", "host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"),
                headers, empty);
        assertThat(canonical).isEqualTo("POST\n/\nImageId=x&Title=%E6%A0%87%E9%A2%98%20a%2Bb%2Ac~d\n"
                + "host:127.0.0.1:8080\nx-acs-action:GetImageInfo\nx-acs-content-sha256:" + empty + "\nx-acs-date:2026-11-22T10:51:08Z\n"
                + "x-acs-signature-nonce:n1\nx-acs-version:2017-03-21\n\n"
                + "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n" + empty);
        String sts = VodSignatures.acs3StringToSign(canonical);
        assertThat(sts).isEqualTo("ACS3-HMAC-SHA256\n" + Digests.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(VodSignatures.acs3Signature("secret", sts))
                .isEqualTo(Digests.hex(Digests.hmac("HmacSHA256", "secret", sts))).matches("[0-9a-f]{64}");
        assertThat(VodSignatures.acs3CanonicalRequest("GET", "/", Map.of(), List.of("host"), Map.of("host", " h "), empty))
                .isEqualTo("GET\n/\n\nhost:h\n\nhost\n" + empty);
    }

    @Test
    void theAuthorizationHeaderIsParsedStrictly() {
        VodSignatures.Acs3Authorization a = VodSignatures.Acs3Authorization.parse(
                "ACS3-HMAC-SHA256 Credential=LTAIx,SignedHeaders=host;X-Acs-Date;x-acs-action,Signature=ab12");
        assertThat(a.algorithm()).isEqualTo("ACS3-HMAC-SHA256");
        assertThat(a.accessKeyId()).isEqualTo("LTAIx");
        assertThat(a.signedHeaders()).containsExactly("host", "x-acs-date", "x-acs-action");
        assertThat(a.signature()).isEqualTo("ab12");
        for (String bad : List.of("ACS3-HMAC-SHA256", "ACS3-HMAC-SHA256 Credential=x", "ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host",
                "ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=", "ACS3-HMAC-SHA256 Credential=x,Bogus=1,SignedHeaders=h,Signature=s",
                "ACS3-HMAC-SHA256 Credential"))
            assertThatThrownBy(() -> VodSignatures.Acs3Authorization.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
}
