package dev.picspace.gateway.top;

import com.taobao.api.internal.util.TaobaoUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopSignatureTest {

    static final String SECRET = "helloworld";

    /** The vector of top.md §2.5. */
    static Map<String, String> vector(String signMethod) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("method", "taobao.picture.get");
        p.put("app_key", "12345678");
        p.put("session", "test");
        p.put("timestamp", "2016-01-01 12:00:00");
        p.put("format", "json");
        p.put("v", "2.0");
        p.put("picture_id", "1");
        p.put("title", "标题");
        p.put("sign_method", signMethod);
        return p;
    }

    @ParameterizedTest
    @CsvSource({
            "md5, F8E295975C1A8CE28566A3582CD24A5F",
            "hmac, 1A47090F6A83270D023F28527D1F012F",
            "hmac-sha256, 9E64F7A14F22468F9CD131AB40674C024E7E57A43E4416DF15828C9A90F8E550"})
    void specVectors(String method, String expected) {
        assertThat(TopSignature.sign(vector(method), SECRET, method)).isEqualTo(expected);
        assertThat(TopSignature.verify(vector(method), SECRET, method, expected)).isTrue();
        assertThat(TopSignature.verify(vector(method), SECRET, method, expected.toLowerCase())).isTrue();
    }

    @Test
    void stringToSignOfTheSpecVector() {
        assertThat(TopSignature.stringToSign(vector("md5"), false)).isEqualTo(
                "app_key12345678formatjsonmethodtaobao.picture.getpicture_id1sessiontestsign_methodmd5"
                        + "timestamp2016-01-01 12:00:00title标题v2.0");
    }

    @Test
    void signParameterAndBlankValuesAreLeftOut() {
        Map<String, String> p = vector("md5");
        String clean = TopSignature.sign(p, SECRET, "md5");
        p.put("sign", "WHATEVER");
        p.put("empty", "");
        p.put("blank", "  ");
        p.put("nothing", null);
        assertThat(TopSignature.sign(p, SECRET, "md5")).isEqualTo(clean);
    }

    @Test
    void verifyRefusesWrongSignaturesAndOtherSecrets() {
        Map<String, String> p = vector("hmac");
        String good = TopSignature.sign(p, SECRET, "hmac");
        assertThat(TopSignature.verify(p, SECRET, "hmac", good.substring(1) + "0")).isFalse();
        assertThat(TopSignature.verify(p, "other", "hmac", good)).isFalse();
        assertThat(TopSignature.verify(p, SECRET, "hmac", "")).isFalse();
        assertThat(TopSignature.verify(p, SECRET, "hmac", null)).isFalse();
        assertThat(TopSignature.verify(p, SECRET, "hmac", good.substring(0, 10))).isFalse();
        p.put("title", "changed");
        assertThat(TopSignature.verify(p, SECRET, "hmac", good)).isFalse();
    }

    @Test
    void verifyAcceptsPythonStyleSignaturesOverEmptyValues() {
        Map<String, String> p = vector("md5");
        p.put("title", "");
        // the Python SDK concatenates every pair it sends, empty ones included (top.md §9.3)
        String pythonSign = md5Hex(SECRET + TopSignature.stringToSign(p, true) + SECRET);
        assertThat(TopSignature.stringToSign(p, true)).contains("title").doesNotContain("title标题");
        assertThat(TopSignature.sign(p, SECRET, "md5")).isNotEqualTo(pythonSign);
        assertThat(TopSignature.verify(p, SECRET, "md5", pythonSign)).isTrue();
        assertThat(TopSignature.verify(p, SECRET, "md5", TopSignature.sign(p, SECRET, "md5"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"MD5", "sha1", "", "hmac_sha256"})
    void unknownMethodsAreRefused(String method) {
        assertThat(TopSignature.isSupportedMethod(method)).isFalse();
        assertThatThrownBy(() -> TopSignature.sign(vector(method), SECRET, method)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopSignature.verify(vector(method), SECRET, method, "00")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullMethodIsRefused() {
        assertThatThrownBy(() -> TopSignature.sign(vector("md5"), SECRET, null)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The real Java SDK (com.aliyun:alibaba-dingtalk-service-sdk:2.0.0) must agree on every method. */
    @ParameterizedTest
    @ValueSource(strings = {"md5", "hmac", "hmac-sha256"})
    void matchesTheRealTaobaoSdk(String method) throws Exception {
        Map<String, String> p = new HashMap<>(vector(method));
        p.put("partner_id", "top-sdk-java-dynamicVersionNo");
        p.put("image_input_title", "a b.jpg");
        p.put("picture_category_id", "0");
        p.put("Upper", "Z"); // uppercase sorts before lowercase in String order
        p.put("emoji", "😀 é 图");
        String sdk = TaobaoUtils.signTopRequest(p, null, SECRET, method);
        assertThat(TopSignature.sign(p, SECRET, method)).isEqualTo(sdk);
        assertThat(TopSignature.verify(p, SECRET, method, sdk)).isTrue();
        // and the spec vector itself, straight from the SDK
        assertThat(TopSignature.sign(vector(method), SECRET, method))
                .isEqualTo(TaobaoUtils.signTopRequest(vector(method), null, SECRET, method));
    }

    static String md5Hex(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : d) hex.append(String.format("%02X", b));
            return hex.toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
