package dev.picspace.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.domain.Picture;
import dev.picspace.domain.UploadSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VOD endpoint on the wire, with requests signed here by hand (independently of picspace's
 * own signing code, the way the SDKs do it): replayed nonces, timestamps, versions and actions,
 * content types, the documented default format, the exact JSON and XML shapes, and what an
 * unexpected failure looks like.
 */
class VodWireTest {
    @TempDir static Path data;
    static ServerFixture fx;
    static ServerFixture.TenantHandle t;
    static Picture image;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture(data, Map.of());
        t = fx.tenant("wire", 1 << 20, 0);
        Picture p = fx.picspace.space().createPending(t.tenant.id(), new UploadSpec("照片.png", "标题 测试", 0, null, "描述", "甲,乙", "default"),
                dev.picspace.domain.ImageFormat.PNG);
        image = fx.picspace.space().completeUpload(t.tenant.id(), p.pictureId(), new ByteArrayInputStream(TestImages.png(8, 6)));
    }

    @AfterAll
    static void stop() throws Exception { fx.close(); }

    // ------------------------------------------------------------------ an RPC HMAC-SHA1 signer, as the SDKs sign

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static String hmac(String alg, String key, String text) throws Exception {
        Mac m = Mac.getInstance(alg);
        m.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), alg));
        return alg.equals("HmacSHA1") ? Base64.getEncoder().encodeToString(m.doFinal(text.getBytes(StandardCharsets.UTF_8)))
                : HexFormat.of().formatHex(m.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, String> common(String action, String nonce, Instant timestamp) {
        Map<String, String> p = new LinkedHashMap<>();
        if (action != null) p.put("Action", action);
        p.put("Version", "2017-03-21");
        p.put("AccessKeyId", t.vod.accessKeyId());
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureVersion", "1.0");
        p.put("SignatureNonce", nonce);
        p.put("Timestamp", timestamp.truncatedTo(ChronoUnit.SECONDS).toString());
        return p;
    }

    static String stringToSign(String method, Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet())
            q.append(q.length() == 0 ? "" : "&").append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        return method + "&%2F&" + enc(q.toString());
    }

    static String signedQuery(String method, Map<String, String> params, String secret) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(params);
        all.put("Signature", hmac("HmacSHA1", secret + "&", stringToSign(method, params)));
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, String> e : all.entrySet())
            q.append(q.length() == 0 ? "" : "&").append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        return q.toString();
    }

    static HttpResponse<String> send(String method, String query, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.base() + "/?" + query));
        headers.forEach(b::header);
        b.method(method, HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> rpc(String method, Map<String, String> params) throws Exception {
        return send(method, signedQuery(method, params, t.vod.accessKeySecret()), Map.of());
    }

    static Map<String, String> getImageInfo(String format) {
        Map<String, String> p = common("GetImageInfo", UUID.randomUUID().toString(), Instant.now());
        if (format != null) p.put("Format", format);
        p.put("ImageId", image.imageId());
        return p;
    }

    static JsonNode json(HttpResponse<String> r) throws Exception { return JSON.readTree(r.body()); }

    // ------------------------------------------------------------------ replay and time

    @Test
    void theSameSignedRequestTwiceIsARefusedReplay() throws Exception {
        String query = signedQuery("POST", getImageInfo("JSON"), t.vod.accessKeySecret());
        HttpResponse<String> first = send("POST", query, Map.of());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> second = send("POST", query, Map.of());
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(json(second).get("Code").asText()).isEqualTo("SignatureNonceUsed");
        assertThat(json(second).get("Message").asText()).isEqualTo("Specified signature nonce was used already.");
        // a nonce that failed its signature is not used up
        Map<String, String> p = getImageInfo("JSON");
        HttpResponse<String> forged = send("POST", signedQuery("POST", p, "wrong"), Map.of());
        assertThat(json(forged).get("Code").asText()).isEqualTo("SignatureDoesNotMatch");
        assertThat(rpc("POST", p).statusCode()).isEqualTo(200);
    }

    @Test
    void timestampsMustBeWithinFifteenMinutesAndWellFormed() throws Exception {
        for (long minutes : new long[]{-16, 16}) {
            Map<String, String> p = common("GetImageInfo", UUID.randomUUID().toString(), Instant.now().plusSeconds(minutes * 60));
            p.put("Format", "JSON");
            p.put("ImageId", image.imageId());
            HttpResponse<String> r = rpc("POST", p);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("Code").asText()).isEqualTo("InvalidTimeStamp.Expired");
        }
        Map<String, String> near = common("GetImageInfo", UUID.randomUUID().toString(), Instant.now().minusSeconds(14 * 60));
        near.put("Format", "JSON");
        near.put("ImageId", image.imageId());
        assertThat(rpc("POST", near).statusCode()).isEqualTo(200);
        Map<String, String> bad = getImageInfo("JSON");
        bad.put("Timestamp", "2026-13-45 10:00:00");
        HttpResponse<String> r = rpc("POST", bad);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("Code").asText()).isEqualTo("InvalidTimeStamp.Format");
    }

    // ------------------------------------------------------------------ signature errors

    @Test
    void aWrongSignatureSaysWhichStringTheServerSigned() throws Exception {
        Map<String, String> p = getImageInfo("JSON");
        p.put("Title", "标题 a+b*c~d/e?f=g&h");
        HttpResponse<String> r = send("POST", signedQuery("POST", p, "not the secret"), Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = json(r);
        assertThat(e.get("Code").asText()).isEqualTo("SignatureDoesNotMatch");
        assertThat(e.get("Message").asText()).isEqualTo(
                "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign("POST", p));
        assertThat(e.get("HostId").asText()).isEqualTo(fx.endpoint());
        assertThat(e.get("RequestId").asText()).isEqualTo(r.headers().firstValue("x-acs-request-id").orElseThrow());
        assertThat(e.has("Recommend")).isTrue();
    }

    @Test
    void unsignedAndWronglySignedRequestsAreRefused() throws Exception {
        HttpResponse<String> none = send("GET", "Action=GetImageInfo&Version=2017-03-21&Format=JSON&ImageId=x", Map.of());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).get("Code").asText()).isEqualTo("MissingParameter");
        Map<String, String> sha256 = getImageInfo("JSON");
        sha256.put("SignatureMethod", "HMAC-SHA256");
        assertThat(json(rpc("POST", sha256)).get("Code").asText()).isEqualTo("IncompleteSignature");
        Map<String, String> unknown = getImageInfo("JSON");
        unknown.put("AccessKeyId", "LTAIunknown");
        HttpResponse<String> nf = rpc("POST", unknown);
        assertThat(nf.statusCode()).isEqualTo(404);
        assertThat(json(nf).get("Code").asText()).isEqualTo("InvalidAccessKeyId.NotFound");
        HttpResponse<String> rsa = send("POST", "", Map.of("Authorization", "ACS3-RSA-SHA256 Credential=x,SignedHeaders=host,Signature=00",
                "x-acs-action", "GetImageInfo", "x-acs-version", "2017-03-21", "Accept", "application/json"));
        assertThat(json(rsa).get("Code").asText()).isEqualTo("IncompleteSignature");
    }

    // ------------------------------------------------------------------ ACS3 by hand: what the body hash covers

    static HttpResponse<String> acs3(String query, Map<String, String> queryParams, String body, String claimedHash,
                                     boolean signContentType) throws Exception {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bodyBytes));
        TreeMap<String, String> h = new TreeMap<>();
        h.put("host", fx.endpoint());
        h.put("x-acs-action", "UpdateImageInfos");
        h.put("x-acs-version", "2017-03-21");
        h.put("x-acs-date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        h.put("x-acs-signature-nonce", UUID.randomUUID().toString());
        h.put("x-acs-content-sha256", claimedHash == null ? hash : claimedHash);
        if (signContentType) h.put("content-type", "application/x-www-form-urlencoded");
        StringBuilder canonicalQuery = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(queryParams).entrySet())
            canonicalQuery.append(canonicalQuery.length() == 0 ? "" : "&").append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        StringBuilder headers = new StringBuilder();
        for (Map.Entry<String, String> e : h.entrySet()) headers.append(e.getKey()).append(':').append(e.getValue()).append('\n');
        String signed = String.join(";", h.keySet());
        String canonical = "POST\n/\n" + canonicalQuery + "\n" + headers + "\n" + signed + "\n" + h.get("x-acs-content-sha256");
        String sts = "ACS3-HMAC-SHA256\n" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.base() + "/" + (query.isEmpty() ? "" : "?" + query)))
                .header("Authorization", "ACS3-HMAC-SHA256 Credential=" + t.vod.accessKeyId() + ",SignedHeaders=" + signed
                        + ",Signature=" + hmac("HmacSHA256", t.vod.accessKeySecret(), sts))
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bodyBytes));
        h.forEach((k, v) -> { if (!k.equals("host") && !k.equals("content-type")) b.header(k, v); });
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void acs3CoversAFormBodyThroughItsHash() throws Exception {
        String content = "[{\"ImageId\":\"" + image.imageId() + "\",\"Description\":\"via acs3 body\"}]";
        String body = "UpdateContent=" + URLEncoder.encode(content, StandardCharsets.UTF_8);
        HttpResponse<String> ok = acs3("", Map.of(), body, null, true);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue("application/json;charset=utf-8"); // Accept, no Format
        assertThat(fx.picspace.metadata().findPicture(t.tenant.id(), image.pictureId()).orElseThrow().description()).isEqualTo("via acs3 body");
        HttpResponse<String> lying = acs3("", Map.of(), body, "0".repeat(64), true);
        assertThat(json(lying).get("Code").asText()).isEqualTo("SignatureDoesNotMatch");
        HttpResponse<String> unsignedType = acs3("", Map.of(), body, null, false);
        assertThat(json(unsignedType).get("Code").asText()).isEqualTo("IncompleteSignature");
        HttpResponse<String> inQuery = acs3("UpdateContent=" + enc(content.replace("via acs3 body", "from the query")),
                Map.of("UpdateContent", content.replace("via acs3 body", "from the query")), "", null, false);
        assertThat(inQuery.statusCode()).as(inQuery.body()).isEqualTo(200);
        assertThat(fx.picspace.metadata().findPicture(t.tenant.id(), image.pictureId()).orElseThrow().description()).isEqualTo("from the query");
    }

    // ------------------------------------------------------------------ routing

    @Test
    void versionAndActionAreCheckedAndMayComeFromHeaders() throws Exception {
        Map<String, String> p = getImageInfo("JSON");
        p.remove("Version");
        assertThat(json(rpc("POST", p)).get("Code").asText()).isEqualTo("MissingParameter");
        p.put("Version", "2014-05-26");
        HttpResponse<String> v = rpc("POST", p);
        assertThat(v.statusCode()).isEqualTo(400);
        assertThat(json(v).get("Code").asText()).isEqualTo("InvalidVersion");
        Map<String, String> unknown = getImageInfo("JSON");
        unknown.put("Action", "GetPlayInfo");
        HttpResponse<String> a = rpc("POST", unknown);
        assertThat(a.statusCode()).isEqualTo(404);
        assertThat(json(a).get("Code").asText()).isEqualTo("InvalidAction.NotFound");
        Map<String, String> viaHeader = common(null, UUID.randomUUID().toString(), Instant.now());
        viaHeader.put("Format", "JSON");
        viaHeader.put("ImageId", image.imageId());
        viaHeader.remove("Version");
        HttpResponse<String> h = send("POST", signedQuery("POST", viaHeader, t.vod.accessKeySecret()),
                Map.of("x-acs-action", "GetImageInfo", "x-acs-version", "2017-03-21"));
        assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
        assertThat(json(h).get("ImageInfo").get("ImageId").asText()).isEqualTo(image.imageId());
        // other methods on / are not VOD's
        assertThat(send("PUT", "", Map.of()).statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ formats and shapes

    @Test
    void withoutFormatTheAnswerIsXmlAsDocumented() throws Exception {
        HttpResponse<String> r = rpc("GET", getImageInfo(null));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/xml;charset=utf-8");
        String requestId = r.headers().firstValue("x-acs-request-id").orElseThrow();
        assertThat(r.body()).startsWith("<?xml version=\"1.0\" encoding=\"utf-8\" ?><GetImageInfoResponse><RequestId>" + requestId
                + "</RequestId><ImageInfo><ImageId>" + image.imageId() + "</ImageId><Title>标题 测试</Title>");
        assertThat(r.body()).contains("<Mezzanine><OriginalFileName>照片.png</OriginalFileName><FileSize>" + image.sizeBytes()
                + "</FileSize><Width>8</Width><Height>6</Height><FileURL>");
        Map<String, String> missing = getImageInfo(null);
        missing.put("ImageId", "66666666666666666666666666666666");
        HttpResponse<String> e = rpc("GET", missing);
        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.headers().firstValue("content-type")).hasValue("text/xml;charset=utf-8");
        assertThat(e.body()).startsWith("<?xml version=\"1.0\" encoding=\"utf-8\" ?><Error><RequestId>"
                + e.headers().firstValue("x-acs-request-id").orElseThrow() + "</RequestId><HostId>" + fx.endpoint()
                + "</HostId><Code>NoSuchResource</Code><Message>The specified resource does not exist.");
        assertThat(e.body()).contains("<Recommend>").endsWith("</Recommend></Error>");
        Map<String, String> xml = getImageInfo("xml");
        assertThat(rpc("POST", xml).headers().firstValue("content-type")).hasValue("text/xml;charset=utf-8");
    }

    @Test
    void jsonIsFlatTypedAndRawUtf8() throws Exception {
        HttpResponse<String> r = rpc("POST", getImageInfo("json")); // tea-rpc's lower case
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json;charset=utf-8");
        assertThat(r.body()).doesNotContain("\\u").contains("标题 测试").contains("甲,乙");
        JsonNode b = json(r);
        assertThat(b.fieldNames()).toIterable().containsExactly("RequestId", "ImageInfo");
        assertThat(b.get("RequestId").asText()).matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}");
        JsonNode i = b.get("ImageInfo");
        assertThat(i.get("Mezzanine").get("FileSize").isTextual()).isTrue();
        assertThat(i.get("Mezzanine").get("Width").isNumber()).isTrue();
        assertThat(i.get("Mezzanine").get("Height").isNumber()).isTrue();
        assertThat(i.get("CateId").isNumber()).isTrue(); // 0: uncategorised
        for (String f : new String[]{"ImageId", "Title", "CreationTime", "Tags", "ImageType", "Description", "StorageLocation", "URL",
                "Status", "AppId"})
            assertThat(i.get(f).isTextual()).as(f).isTrue();

        Map<String, String> add = common("AddCategory", UUID.randomUUID().toString(), Instant.now());
        add.put("Format", "JSON");
        add.put("CateName", "验收 分类");
        HttpResponse<String> cat = rpc("POST", add);
        assertThat(cat.body()).doesNotContain("\\u").contains("验收 分类");
        JsonNode c = json(cat).get("Category");
        assertThat(c.get("ParentId").asLong()).isEqualTo(-1);
        assertThat(c.get("ParentId").isNumber()).isTrue();
        assertThat(c.get("Level").isNumber()).isTrue();
        // a snowflake id is above 2^53: written as a string so that no reader rounds it through a double
        assertThat(c.get("CateId").isTextual()).isTrue();
        assertThat(Long.parseLong(c.get("CateId").asText())).isGreaterThan(1L << 53);
    }

    @Test
    void flatAndWrappedArraysHaveTheirShapesInBothFormats() throws Exception {
        String missing = "77777777777777777777777777777777";
        Map<String, String> gets = common("GetImageInfos", UUID.randomUUID().toString(), Instant.now());
        gets.put("Format", "JSON");
        gets.put("ImageIds", image.imageId() + "," + missing);
        JsonNode g = json(rpc("POST", gets));
        assertThat(g.get("ImageInfo").isArray()).isTrue();
        assertThat(g.get("NonExistImageIds").isArray()).isTrue();
        assertThat(g.get("NonExistImageIds").get(0).asText()).isEqualTo(missing);
        gets.put("Format", "XML");
        gets.put("SignatureNonce", UUID.randomUUID().toString());
        String x = rpc("POST", gets).body();
        assertThat(x).contains("<ImageInfo><ImageInfo><ImageId>" + image.imageId() + "</ImageId>")
                .contains("<NonExistImageIds><NonExistImageIds>" + missing + "</NonExistImageIds></NonExistImageIds>");

        Map<String, String> upd = common("UpdateImageInfos", UUID.randomUUID().toString(), Instant.now());
        upd.put("Format", "JSON");
        upd.put("UpdateContent", "[{\"ImageId\":\"" + missing + "\",\"Title\":\"x\"}]");
        JsonNode u = json(rpc("POST", upd));
        assertThat(u.get("NonExistImageIds").isObject()).isTrue();
        assertThat(u.get("NonExistImageIds").get("ImageId").get(0).asText()).isEqualTo(missing);
        upd.put("Format", "XML");
        upd.put("SignatureNonce", UUID.randomUUID().toString());
        assertThat(rpc("POST", upd).body()).contains("<NonExistImageIds><ImageId>" + missing + "</ImageId></NonExistImageIds>");

        Map<String, String> cats = common("GetCategories", UUID.randomUUID().toString(), Instant.now());
        cats.put("Format", "JSON");
        cats.put("Type", "material");
        JsonNode c = json(rpc("POST", cats));
        assertThat(c.get("SubCategories").get("Category").isArray()).isTrue();
        assertThat(c.get("SubTotal").asLong()).isEqualTo(2);

        Map<String, String> search = common("SearchMedia", UUID.randomUUID().toString(), Instant.now());
        search.put("Format", "JSON");
        search.put("SearchType", "image");
        JsonNode s = json(rpc("POST", search));
        assertThat(s.get("MediaList").isArray()).isTrue();
        assertThat(s.get("Total").isNumber()).isTrue();
        assertThat(s.get("MediaList").get(0).get("Image").get("ImageId").asText()).isEqualTo(image.imageId());
    }

    // ------------------------------------------------------------------ failures

    @Test
    void anUnexpectedFailureIsAnInternalErrorWithARequestIdAndNoStackTrace() throws Exception {
        var other = fx.tenant("wire-broken", 1 << 20, 0); // its own tenant: the broken row stays out of the others' lists
        Picture p = fx.picspace.space().createPending(other.tenant.id(), UploadSpec.named("broken.png"), dev.picspace.domain.ImageFormat.PNG);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("meta.db"));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            // a status the code does not know: reading the row fails inside the store
            s.executeUpdate("UPDATE picture SET status = 'mangled' WHERE picture_id = " + p.pictureId());
        }
        Map<String, String> q = getImageInfo("JSON");
        q.put("ImageId", p.imageId());
        q.put("AccessKeyId", other.vod.accessKeyId());
        HttpResponse<String> r = send("POST", signedQuery("POST", q, other.vod.accessKeySecret()), Map.of());
        assertThat(r.statusCode()).isEqualTo(500);
        JsonNode e = json(r);
        assertThat(e.get("Code").asText()).isEqualTo("InternalError");
        assertThat(e.get("Message").asText()).isEqualTo("The request processing has failed due to some unknown error.");
        assertThat(e.get("RequestId").asText()).isEqualTo(r.headers().firstValue("x-acs-request-id").orElseThrow());
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("mangled");
    }
}
