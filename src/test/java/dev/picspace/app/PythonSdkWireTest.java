package dev.picspace.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Python SDK's wire format (top.md §2.2), byte for byte as top/api/base.py writes it:
 * epoch-millisecond timestamps, md5 signing, boundary PYTHON_SDK_BOUNDARY, and file parts with
 * {@code Content-Disposition: file}. The signature is computed here independently of picspace's code.
 */
class PythonSdkWireTest {
    @TempDir static Path data;
    static ServerFixture fx;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll static void start() throws Exception { fx = new ServerFixture(data, Map.of()); }

    @AfterAll static void stop() throws Exception { fx.close(); }

    @Test
    void uploadAndQueryLikeThePythonSdk() throws Exception {
        var t = fx.tenant("python", 10 << 20, 0);
        byte[] img = TestImages.jpeg(64, 48);
        Map<String, String> system = new TreeMap<>(Map.of("format", "json", "app_key", t.creds.appKey(), "sign_method", "md5",
                "v", "2.0", "timestamp", String.valueOf(System.currentTimeMillis()), "partner_id", "taobao-sdk-python-20180413",
                "method", "taobao.picture.upload", "session", t.creds.session()));
        Map<String, String> api = Map.of("picture_category_id", "0", "image_input_title", "py图.jpg");
        system.put("sign", md5Sign(system, api, t.creds.appSecret()));

        String b = "PYTHON_SDK_BOUNDARY";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var e : api.entrySet()) {
            body.writeBytes(("--" + b + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n"
                    + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + e.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + b + "\r\nContent-Disposition: file; name=\"img\"; filename=\"py.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: binary\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(img);
        body.writeBytes(("\r\n--" + b + "--\r\n\r\n").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fx.topUrl() + "?" + query(system)))
                .header("Content-Type", "multipart/form-data; boundary=" + b)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode pic = JSON.readTree(r.body()).at("/picture_upload_response/picture");
        assertThat(pic.isMissingNode()).as(r.body()).isFalse();
        assertThat(pic.get("title").asText()).isEqualTo("py图");
        assertThat(pic.get("sizes").asLong()).isEqualTo(img.length);
        assertThat(pic.get("picture_id").isIntegralNumber()).isTrue();

        // A form-urlencoded query the same way, with a tampered signature: code 25.
        Map<String, String> get = new TreeMap<>(system);
        get.put("method", "taobao.picture.get");
        get.put("timestamp", String.valueOf(System.currentTimeMillis()));
        get.remove("sign");
        get.put("sign", md5Sign(get, Map.of("title", "py图"), t.creds.appSecret()));
        HttpResponse<String> ok = post(get, "title=" + URLEncoder.encode("py图", StandardCharsets.UTF_8));
        assertThat(JSON.readTree(ok.body()).at("/picture_get_response/totalResults").asLong()).as(ok.body()).isEqualTo(1);
        HttpResponse<String> tampered = post(get, "title=other");
        assertThat(JSON.readTree(tampered.body()).at("/error_response/code").asInt()).isEqualTo(25);
        // An epoch-millisecond timestamp 11 minutes old: code 31.
        get.put("timestamp", String.valueOf(System.currentTimeMillis() - 11 * 60_000));
        get.remove("sign");
        get.put("sign", md5Sign(get, Map.of("title", "py图"), t.creds.appSecret()));
        HttpResponse<String> stale = post(get, "title=" + URLEncoder.encode("py图", StandardCharsets.UTF_8));
        assertThat(JSON.readTree(stale.body()).at("/error_response/code").asInt()).isEqualTo(31);
    }

    private static HttpResponse<String> post(Map<String, String> system, String form) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fx.topUrl() + "?" + query(system)))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** top.md §2.5, md5: MD5(secret + sorted name+value pairs + secret), upper-case hex. */
    static String md5Sign(Map<String, String> system, Map<String, String> api, String secret) throws Exception {
        TreeMap<String, String> all = new TreeMap<>(system);
        all.putAll(api);
        all.remove("sign");
        StringBuilder s = new StringBuilder(secret);
        all.forEach((k, v) -> s.append(k).append(v));
        s.append(secret);
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static String query(Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        return q.substring(0, q.length() - 1);
    }
}
