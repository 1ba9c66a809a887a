package dev.picspace.app;

import dev.picspace.gateway.top.TopSignature;
import dev.picspace.gateway.top.TopTimestamp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Makes one signed TOP call, the way the official SDKs do (system parameters in the query string,
 * API parameters in the body, {@code name=@file} as a multipart file part). For trying picspace
 * by hand and for scripts; prints the response body.
 */
@Command(name = "top-call", description = "Sign and send one Taobao API call, e.g. "
        + "top-call --app-key K --secret S --session X taobao.picture.upload picture_category_id=0 image_input_title=a.jpg img=@a.jpg")
final class TopCall implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://localhost:8080/router/rest") String url;
    @Option(names = "--app-key", required = true) String appKey;
    @Option(names = "--secret", required = true) String secret;
    @Option(names = "--session", required = true) String session;
    @Option(names = "--format", defaultValue = "json") String format;
    @Option(names = "--sign-method", defaultValue = "hmac-sha256") String signMethod;
    @Parameters(index = "0", description = "the method, e.g. taobao.picture.userinfo.get") String method;
    @Parameters(index = "1..*", description = "name=value API parameters; name=@path sends a file") List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        Map<String, String> system = new LinkedHashMap<>();
        system.put("method", method);
        system.put("app_key", appKey);
        system.put("session", session);
        system.put("timestamp", TopTimestamp.format(Instant.now()));
        system.put("format", format);
        system.put("v", "2.0");
        system.put("sign_method", signMethod);
        system.put("partner_id", "picspace-top-call");
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("parameters are name=value, not '" + a + "'");
            String name = a.substring(0, eq), value = a.substring(eq + 1);
            if (value.startsWith("@")) files.put(name, Path.of(value.substring(1)));
            else text.put(name, value);
        }
        Map<String, String> signed = new TreeMap<>(system);
        signed.putAll(text);
        system.put("sign", TopSignature.sign(signed, secret, signMethod));

        StringBuilder q = new StringBuilder(url).append('?');
        system.forEach((k, v) -> q.append(enc(k)).append('=').append(enc(v)).append('&'));
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(q.substring(0, q.length() - 1)));
        if (files.isEmpty()) {
            StringBuilder body = new StringBuilder();
            text.forEach((k, v) -> body.append(enc(k)).append('=').append(enc(v)).append('&'));
            req.header("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body.length() == 0 ? "" : body.substring(0, body.length() - 1)));
        } else {
            String boundary = "picspace" + System.nanoTime();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Map.Entry<String, String> e : text.entrySet())
                part(body, boundary, "Content-Disposition: form-data; name=\"" + e.getKey() + "\"\r\nContent-Type: text/plain; charset=UTF-8",
                        e.getValue().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, Path> e : files.entrySet())
                part(body, boundary, "Content-Disposition: form-data; name=\"" + e.getKey() + "\"; filename=\""
                        + e.getValue().getFileName() + "\"\r\nContent-Type: application/octet-stream", Files.readAllBytes(e.getValue()));
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            req.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        }
        HttpResponse<String> rsp = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        System.out.println(rsp.body());
        return rsp.body().contains("error_response") ? 1 : 0;
    }

    private static void part(ByteArrayOutputStream out, String boundary, String headers, byte[] content) {
        out.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
