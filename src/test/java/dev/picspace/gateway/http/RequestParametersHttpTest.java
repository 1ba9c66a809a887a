package dev.picspace.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.taobao.api.FileItem;
import com.taobao.api.internal.util.TaobaoUtils;
import com.taobao.api.internal.util.WebUtils;
import dev.picspace.gateway.top.TopSignature;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RequestParameters behind a real Jetty 12 server, fed the byte layouts the real SDKs send
 * (top.md §2.2) by java.net.http, and by the real Taobao Java SDK's own WebUtils.
 */
class RequestParametersHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long LIMIT = 8L * 1024 * 1024;

    static Server server;
    static URI base;
    static volatile long limit = LIMIT;
    static HttpClient client;

    @TempDir
    Path spoolDir;

    /** Echoes what RequestParameters read, as JSON; a MalformedRequestException becomes a 400. */
    static final class EchoHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            ObjectNode out = JSON.createObjectNode();
            try (RequestParameters p = RequestParameters.read(request, limit)) {
                ObjectNode text = out.putObject("text");
                p.text().forEach(text::put);
                ObjectNode files = out.putObject("files");
                for (String name : p.fileNames()) {
                    FilePart f = p.file(name).orElseThrow();
                    ObjectNode j = files.putObject(name);
                    j.put("name", f.name()).put("fileName", f.fileName()).put("contentType", f.contentType())
                            .put("size", f.size()).put("sha256", sha256(f.open()))
                            .put("spooled", f.spooled() == null ? null : f.spooled().toString())
                            .put("spooledExists", f.spooled() != null && Files.exists(f.spooled()))
                            .put("inMemory", f.inMemory() != null);
                }
            } catch (MalformedRequestException e) {
                response.setStatus(400);
                out.put("error", e.getMessage());
            }
            out.put("bytesRead", Request.getContentBytesRead(request));
            if (response.getStatus() == 400) RequestParameters.discardBody(request, 4 * 1024 * 1024);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(out)), callback);
            return true;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new EchoHandler());
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/router/rest");
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @BeforeEach
    void useTempSpoolDir() {
        limit = LIMIT;
        RequestParameters.setSpoolDirectory(spoolDir);
    }

    @AfterEach
    void resetSpoolDir() throws Exception {
        RequestParameters.setSpoolDirectory(null);
        try (Stream<Path> left = Files.list(spoolDir)) {
            assertThat(left).as("spooled files left behind").isEmpty();
        }
    }

    record Echo(int status, JsonNode body) {
        String text(String name) { return body.path("text").path(name).isMissingNode() ? null : body.path("text").path(name).asText(); }
        JsonNode file(String name) { return body.path("files").path(name); }
        String error() { return body.path("error").asText(null); }
    }

    static Echo send(HttpRequest request) throws Exception {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Echo(r.statusCode(), JSON.readTree(r.body()));
    }

    static Echo post(String query, String contentType, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + (query == null ? "" : "?" + query)))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    static final String JAVA_QUERY = "app_key=12345678&method=taobao.picture.upload&v=2.0&sign=D0EDA97A18630CDCBF6D41B2C6782264"
            + "&timestamp=2026-11-22+18%3A41%3A35&partner_id=top-sdk-java-dynamicVersionNo&session=SESSIONKEY"
            + "&format=json&sign_method=md5";

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(InputStream in) {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[65536];
            int n;
            while ((n = in.read(chunk)) >= 0) md.update(chunk, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String sha256(byte[] b) { return sha256(new ByteArrayInputStream(b)); }

    /** (a) top.md §2.2, byte for byte: leading CRLF, numeric boundary, no spaces, text/plain text parts. */
    @Test
    void javaSdkMultipartLayout() throws Exception {
        byte[] jpeg = randomBytes(20_000, 1);
        byte[] body = concat(bytes("\r\n--4028509908175\r\n"
                        + "Content-Disposition:form-data;name=\"picture_category_id\"\r\n"
                        + "Content-Type:text/plain\r\n\r\n"
                        + "0\r\n--4028509908175\r\n"
                        + "Content-Disposition:form-data;name=\"image_input_title\"\r\n"
                        + "Content-Type:text/plain\r\n\r\n"
                        + "a b.jpg\r\n--4028509908175\r\n"
                        + "Content-Disposition:form-data;name=\"img\";filename=\"x.jpg\"\r\n"
                        + "Content-Type:image/jpeg\r\n\r\n"),
                jpeg, bytes("\r\n--4028509908175--\r\n"));
        Echo e = send(HttpRequest.newBuilder(URI.create(base + "?" + JAVA_QUERY))
                .header("Content-Type", "multipart/form-data;charset=UTF-8;boundary=4028509908175")
                .header("Accept", "text/xml,text/javascript").header("User-Agent", "top-sdk-java")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.text("method")).isEqualTo("taobao.picture.upload");
        assertThat(e.text("timestamp")).isEqualTo("2026-11-22 18:41:35");
        assertThat(e.text("picture_category_id")).isEqualTo("0");
        assertThat(e.text("image_input_title")).isEqualTo("a b.jpg");
        assertThat(e.text("img")).as("files are not text").isNull();
        assertThat(e.body().path("text").size()).isEqualTo(11);
        JsonNode img = e.file("img");
        assertThat(img.path("fileName").asText()).isEqualTo("x.jpg");
        assertThat(img.path("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(img.path("size").asLong()).isEqualTo(jpeg.length);
        assertThat(img.path("sha256").asText()).isEqualTo(sha256(jpeg));
        assertThat(img.path("inMemory").asBoolean()).isTrue();
        // order: query as sent, then the body's own names
        List<String> names = new ArrayList<>();
        e.body().path("text").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("app_key", "method", "v", "sign", "timestamp", "partner_id", "session", "format",
                "sign_method", "picture_category_id", "image_input_title");
    }

    /** (b) the official Python SDK: PYTHON_SDK_BOUNDARY, "Content-Disposition: file", binary transfer encoding, epoch-ms timestamp. */
    @Test
    void pythonSdkMultipartLayout() throws Exception {
        byte[] png = randomBytes(3_000, 2);
        byte[] body = concat(bytes(String.join("\r\n",
                        "--PYTHON_SDK_BOUNDARY",
                        "Content-Disposition: form-data; name=\"image_input_title\"",
                        "Content-Type: text/plain; charset=UTF-8",
                        "",
                        "图片.png",
                        "--PYTHON_SDK_BOUNDARY",
                        "Content-Disposition: form-data; name=\"picture_category_id\"",
                        "Content-Type: text/plain; charset=UTF-8",
                        "",
                        "0",
                        "--PYTHON_SDK_BOUNDARY",
                        "Content-Disposition: file; name=\"img\"; filename=\"图片.png\"",
                        "Content-Type: image/png",
                        "Content-Transfer-Encoding: binary",
                        "",
                        "")),
                png, bytes("\r\n--PYTHON_SDK_BOUNDARY--\r\n"));
        String query = "format=json&app_key=12345678&sign_method=md5&v=2.0&timestamp=1763808095123"
                + "&partner_id=taobao-sdk-python-20180413&method=taobao.picture.upload&session=S&sign=ABC";
        Echo e = post(query, "multipart/form-data; boundary=PYTHON_SDK_BOUNDARY", body);
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.text("timestamp")).isEqualTo("1763808095123");
        assertThat(e.text("image_input_title")).isEqualTo("图片.png");
        assertThat(e.text("picture_category_id")).isEqualTo("0");
        JsonNode img = e.file("img");
        assertThat(img.path("fileName").asText()).isEqualTo("图片.png");
        assertThat(img.path("contentType").asText()).isEqualTo("image/png");
        assertThat(img.path("sha256").asText()).isEqualTo(sha256(png));
    }

    /** (c) top.md §2.2: system params in the query, API params as a form body. */
    @Test
    void formBodyWithQuerySystemParams() throws Exception {
        Echo e = post(JAVA_QUERY.replace("picture.upload", "picture.get"), "application/x-www-form-urlencoded;charset=UTF-8",
                bytes("page_no=1&start_date=1970-01-01+08%3A00%3A00&flag&=nameless&&title="));
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.text("method")).isEqualTo("taobao.picture.get");
        assertThat(e.text("page_no")).isEqualTo("1");
        assertThat(e.text("start_date")).isEqualTo("1970-01-01 08:00:00");
        assertThat(e.text("flag")).isEmpty();
        assertThat(e.text("title")).isEmpty();
        assertThat(e.body().path("text").has("")).isFalse();
    }

    @Test
    void bodyWinsOverQueryAndFirstWinsWithinASource() throws Exception {
        Echo e = post("a=q1&b=q&a=q2", "application/x-www-form-urlencoded", bytes("c=b&a=b1&a=b2"));
        assertThat(e.text("a")).isEqualTo("b1");
        assertThat(e.text("b")).isEqualTo("q");
        List<String> names = new ArrayList<>();
        e.body().path("text").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("a", "b", "c");
    }

    /** (d) CJK in the query, in a UTF-8 form body, in a GBK form body and in a multipart text part. */
    @Test
    void cjkValues() throws Exception {
        Echo utf8 = post("q=%E5%9B%BE%E7%89%87", "application/x-www-form-urlencoded; charset=utf-8",
                bytes("title=%E6%A0%87%E9%A2%98&raw=标题"));
        assertThat(utf8.text("q")).isEqualTo("图片");
        assertThat(utf8.text("title")).isEqualTo("标题");
        assertThat(utf8.text("raw")).isEqualTo("标题");
        byte[] gbk = concat(bytes("title="), "标题".getBytes("GBK"));
        Echo e = post(null, "application/x-www-form-urlencoded; charset=GBK", gbk);
        assertThat(e.text("title")).isEqualTo("标题");
        Echo mp = post(null, "multipart/form-data; boundary=b",
                bytes("--b\r\nContent-Disposition: form-data; name=\"标题\"\r\n\r\n图片空间 ✓\r\n--b--\r\n"));
        assertThat(mp.text("标题")).isEqualTo("图片空间 ✓");
    }

    @Test
    void invalidUtf8AndBadPercentEncodingAreMalformed() throws Exception {
        Echo bad = post(null, "application/x-www-form-urlencoded", bytes("t=%E6%A0"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).contains("not valid UTF-8");
        Echo pct = post(null, "application/x-www-form-urlencoded", bytes("t=%zz"));
        assertThat(pct.status()).isEqualTo(400);
        assertThat(pct.error()).contains("percent-encoding");
        Echo cs = post(null, "application/x-www-form-urlencoded; charset=no-such-charset", bytes("t=1"));
        assertThat(cs.error()).contains("unsupported charset");
    }

    /** (e) a Content-Length over the limit is refused before the body is read. */
    @Test
    void contentLengthOverLimit() throws Exception {
        limit = 64 * 1024;
        Echo e = post("method=x", "application/x-www-form-urlencoded", bytes("a=" + "x".repeat(100_000)));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.error()).startsWith("body too large");
        assertThat(e.body().path("bytesRead").asLong()).isZero();
    }

    /** (e) a chunked body (no Content-Length) is cut off shortly after the limit. */
    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=b"})
    void chunkedBodyOverLimit(String contentType) throws Exception {
        limit = 64 * 1024;
        byte[] head = contentType.startsWith("multipart")
                ? bytes("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n") : bytes("a=");
        byte[] body = concat(head, randomBytes(1024 * 1024, 3));
        HttpRequest request = HttpRequest.newBuilder(base).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        Echo e = send(request);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.error()).startsWith("body too large");
        assertThat(e.body().path("bytesRead").asLong()).isGreaterThan(limit).isLessThan(limit + 64 * 1024);
    }

    @Test
    void bodyAtExactlyTheLimitIsFine() throws Exception {
        limit = 1000;
        Echo e = post(null, "application/x-www-form-urlencoded", bytes("a=" + "x".repeat(998)));
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.text("a")).hasSize(998);
    }

    /** (f) a multipart body without its close delimiter. */
    @Test
    void truncatedMultipart() throws Exception {
        Echo e = post(null, "multipart/form-data; boundary=b", bytes(
                "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n" + "x".repeat(500_000)));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.error()).isEqualTo("truncated multipart body");
        // the part had passed the in-memory limit: its temp file must be gone (checked after each test)
    }

    /** (g) a 5 MB file is spooled to disk, intact, and the file is deleted on close. */
    @Test
    void largeFileIsSpooledAndDeleted() throws Exception {
        byte[] big = randomBytes(5 * 1024 * 1024, 4);
        byte[] body = concat(bytes("--XX\r\nContent-Disposition: form-data; name=\"img\"; filename=\"big.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n"), big, bytes("\r\n--XX\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nv\r\n--XX--\r\n"));
        Echo e = post("method=taobao.picture.upload", "multipart/form-data; boundary=XX", body);
        assertThat(e.status()).isEqualTo(200);
        JsonNode img = e.file("img");
        assertThat(img.path("spooled").isNull()).isFalse();
        assertThat(img.path("spooledExists").asBoolean()).isTrue();
        assertThat(img.path("inMemory").asBoolean()).isFalse();
        assertThat(img.path("size").asLong()).isEqualTo(big.length);
        assertThat(img.path("sha256").asText()).isEqualTo(sha256(big));
        Path spooled = Path.of(img.path("spooled").asText());
        assertThat(spooled.getParent()).isEqualTo(spoolDir);
        assertThat(spooled).doesNotExist();
        assertThat(e.text("t")).isEqualTo("v");
    }

    @Test
    void inMemoryLimitIsInclusive() throws Exception {
        byte[] exact = randomBytes(RequestParameters.IN_MEMORY_FILE_LIMIT, 5);
        byte[] over = randomBytes(RequestParameters.IN_MEMORY_FILE_LIMIT + 1, 6);
        byte[] body = concat(
                bytes("--b\r\nContent-Disposition: form-data; name=\"exact\"; filename=\"e\"\r\n\r\n"), exact,
                bytes("\r\n--b\r\nContent-Disposition: form-data; name=\"over\"; filename=\"o\"\r\n\r\n"), over,
                bytes("\r\n--b\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n"),
                bytes("\r\n--b--\r\n"));
        Echo e = post(null, "multipart/form-data; boundary=b", body);
        assertThat(e.file("exact").path("inMemory").asBoolean()).isTrue();
        assertThat(e.file("exact").path("sha256").asText()).isEqualTo(sha256(exact));
        assertThat(e.file("over").path("inMemory").asBoolean()).isFalse();
        assertThat(e.file("over").path("sha256").asText()).isEqualTo(sha256(over));
        assertThat(e.file("empty").path("fileName").asText()).isEmpty();
        assertThat(e.file("empty").path("size").asLong()).isZero();
        List<String> names = new ArrayList<>();
        e.body().path("files").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("exact", "over", "empty");
    }

    @Test
    void getWithQueryOnlyAndIgnoredBodies() throws Exception {
        Echo get = send(HttpRequest.newBuilder(URI.create(base + "?method=taobao.picture.userinfo.get&v=2.0&x=a+b%2Bc")).GET().build());
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.text("method")).isEqualTo("taobao.picture.userinfo.get");
        assertThat(get.text("x")).isEqualTo("a b+c");
        Echo json = post("v=2.0", "application/json", bytes("{\"v\":\"3.0\",\"a\":1}"));
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.text("v")).isEqualTo("2.0");
        assertThat(json.text("a")).isNull();
        Echo none = post("v=2.0", "text/plain", bytes("v=3.0"));
        assertThat(none.text("v")).isEqualTo("2.0");
    }

    @Test
    void multipartWithoutBoundaryIsMalformed() throws Exception {
        Echo e = post(null, "multipart/form-data", bytes("--b--\r\n"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.error()).contains("boundary");
    }

    // ---- the real Taobao Java SDK (com.aliyun:alibaba-dingtalk-service-sdk:2.0.0) as the client ----

    static Map<String, String> systemParams(String method, String signMethod) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("method", method);
        p.put("app_key", "12345678");
        p.put("v", "2.0");
        p.put("timestamp", "2026-11-22 18:41:35");
        p.put("partner_id", "top-sdk-java-dynamicVersionNo");
        p.put("session", "SESSIONKEY");
        p.put("format", "json");
        p.put("sign_method", signMethod);
        return p;
    }

    /** The SDK's own multipart writer (WebUtils._doPostWithFile) against our parser, and its signature against ours. */
    @ParameterizedTest
    @ValueSource(strings = {"md5", "hmac", "hmac-sha256"})
    void realSdkMultipartUploadVerifies(String signMethod) throws Exception {
        Map<String, String> sys = systemParams("taobao.picture.upload", signMethod);
        Map<String, String> api = new HashMap<>();
        api.put("picture_category_id", "0");
        api.put("image_input_title", "标题 a b.jpg");
        Map<String, String> all = new HashMap<>(sys);
        all.putAll(api);
        sys.put("sign", TaobaoUtils.signTopRequest(all, null, "secret", signMethod));
        byte[] jpeg = randomBytes(400_000, 7);
        Map<String, FileItem> files = Map.of("img", new FileItem("x.jpg", jpeg, "image/jpeg"));
        String url = base + "?" + WebUtils.buildQuery(sys, "UTF-8");
        JsonNode echo = JSON.readTree(WebUtils.doPost(url, api, files, 5000, 5000));
        Map<String, String> received = new HashMap<>();
        echo.path("text").fields().forEachRemaining(f -> received.put(f.getKey(), f.getValue().asText()));
        assertThat(received).containsEntry("image_input_title", "标题 a b.jpg").containsEntry("timestamp", "2026-11-22 18:41:35");
        assertThat(TopSignature.verify(received, "secret", signMethod, received.get("sign"))).isTrue();
        JsonNode img = echo.path("files").path("img");
        assertThat(img.path("fileName").asText()).isEqualTo("x.jpg");
        assertThat(img.path("sha256").asText()).isEqualTo(sha256(jpeg));
        assertThat(img.path("inMemory").asBoolean()).isFalse();
    }

    @Test
    void realSdkFormPostVerifies() throws Exception {
        Map<String, String> sys = systemParams("taobao.picture.get", "hmac-sha256");
        Map<String, String> api = Map.of("page_no", "1", "title", "标题&=+%", "start_date", "1970-01-01 08:00:00");
        Map<String, String> all = new HashMap<>(sys);
        all.putAll(api);
        sys.put("sign", TaobaoUtils.signTopRequest(all, null, "secret", "hmac-sha256"));
        String url = base + "?" + WebUtils.buildQuery(sys, "UTF-8");
        JsonNode echo = JSON.readTree(WebUtils.doPost(url, api, "UTF-8", 5000, 5000));
        Map<String, String> received = new HashMap<>();
        echo.path("text").fields().forEachRemaining(f -> received.put(f.getKey(), f.getValue().asText()));
        assertThat(received).containsEntry("title", "标题&=+%").containsEntry("start_date", "1970-01-01 08:00:00");
        assertThat(TopSignature.verify(received, "secret", "hmac-sha256", received.get("sign"))).isTrue();
    }
}
