package dev.picspace.gateway.top;

import dev.picspace.domain.Exceptions;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.PictureSpace;
import dev.picspace.domain.TopCredentials;
import dev.picspace.gateway.GatewayMetrics;
import dev.picspace.gateway.PictureUrls;
import dev.picspace.gateway.RequestIds;
import dev.picspace.gateway.http.MalformedRequestException;
import dev.picspace.gateway.http.RequestParameters;
import dev.picspace.gateway.tree.Document;
import dev.picspace.gateway.tree.JsonTreeWriter;
import dev.picspace.gateway.tree.ObjectNode;
import dev.picspace.gateway.tree.Scalar;
import dev.picspace.gateway.tree.XmlTreeWriter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The Taobao Open Platform endpoint, {@code /router/rest} (top.md §2–§4): reads the merged
 * parameters, checks them in the gateway's order (§2.6), runs the method and writes one
 * response tree as JSON or XML. Every answer is HTTP 200, errors included (§3.4: the SDKs throw
 * on other statuses instead of reading the error).
 */
public final class TopGateway extends Handler.Abstract {
    public static final String PATH = "/router/rest";
    private static final Logger log = LoggerFactory.getLogger(TopGateway.class);
    /** top.md §2.4: "淘宝API服务端允许客户端请求最大时间误差为10分钟". */
    static final Duration MAX_SKEW = Duration.ofMinutes(10);

    private final PictureSpace space;
    private final MetadataStore metadata;
    private final TopMethods methods;
    private final GatewayMetrics metrics;
    private final long maxBodyBytes;

    public TopGateway(PictureSpace space, PictureUrls urls, GatewayMetrics metrics, long maxBodyBytes) {
        this.space = space;
        this.metadata = space.metadata();
        this.methods = new TopMethods(space, urls);
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!PATH.equals(path) && !(PATH + "/").equals(path)) return false;
        long started = System.nanoTime();
        String requestId = RequestIds.next();
        MDC.put("request_id", requestId);
        Answer answer;
        try {
            answer = answer(request);
            answer.body().put("request_id", requestId);
            byte[] bytes = answer.format() == Format.JSON
                    ? JsonTreeWriter.write(new Document(answer.root(), answer.body(), true), answer.simplify())
                    : XmlTreeWriter.write(new Document(answer.root(), answer.body(), true));
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.format().contentType);
            response.getHeaders().put("X-Request-Id", requestId);
            response.write(true, ByteBuffer.wrap(bytes), callback);
            long nanos = System.nanoTime() - started;
            metrics.request("top", answer.method(), answer.outcome(), nanos);
            // One line per call, with the request id the response carries (MDC request_id).
            log.info("top {} {} {}ms{}", answer.method(), answer.outcome(), nanos / 100_000 / 10.0,
                    text(answer.body(), "sub_code").isEmpty() ? "" : " " + text(answer.body(), "sub_code"));
        } finally {
            MDC.remove("request_id");
        }
        return true;
    }

    /**
     * One call's response tree and how to write it.
     *
     * @param method the method name for metrics, "unknown" unless it is one of ours (bounded labels)
     */
    private record Answer(String root, ObjectNode body, Format format, boolean simplify, String method) {
        String outcome() { return root.equals("error_response") ? "error_" + text(body, "code") : "ok"; }
    }

    private Answer answer(Request request) {
        try (RequestParameters params = readParameters(request)) {
            Format format = Format.of(params.get("format")).orElse(Format.XML);
            boolean simplify = format == Format.JSON && "true".equalsIgnoreCase(params.get("simplify"));
            String name = params.get("method");
            String method = name != null && methods.exists(name) ? name : "unknown";
            try {
                long tenantId = authenticate(request, params);
                ObjectNode body = methods.invoke(name, new TopMethods.Call(tenantId, new TopArguments(params)));
                if (name.equals("taobao.picture.upload") || name.equals("taobao.picture.replace"))
                    params.fileNames().forEach(f -> params.file(f).ifPresent(p -> metrics.uploaded(p.size())));
                return new Answer(responseName(name), body, format, simplify, method);
            } catch (RuntimeException e) {
                return new Answer("error_response", errorBody(e), format, simplify, method);
            }
        } catch (TopApiException unreadable) {
            // The parameters could not be read: the query string still says which format to answer in.
            return new Answer("error_response", errorBody(unreadable), Format.of(queryFormat(request)).orElse(Format.XML),
                    false, "unknown");
        }
    }

    private static String text(ObjectNode body, String field) {
        return body.get(field) instanceof Scalar s ? s.text() : "";
    }

    private static String queryFormat(Request request) {
        try {
            return Request.extractQueryParameters(request, java.nio.charset.StandardCharsets.UTF_8).getValue("format");
        } catch (RuntimeException malformedQuery) {
            return null;
        }
    }

    private RequestParameters readParameters(Request request) {
        String httpMethod = request.getMethod();
        if (!"GET".equals(httpMethod) && !"POST".equals(httpMethod))
            throw new TopApiException(TopError.platform(9, "Http action not allowed", "use POST or GET"));
        try {
            return RequestParameters.read(request, maxBodyBytes);
        } catch (MalformedRequestException e) {
            // Let the SDK read the error instead of a connection reset (bounded: a few body sizes).
            RequestParameters.discardBody(request, 4 * maxBodyBytes);
            throw new TopApiException(TopError.business("isv.invalid-parameter", e.getMessage()));
        }
    }

    /** System parameters in the order of top.md §2.6; returns the tenant the session belongs to. */
    private long authenticate(Request request, RequestParameters p) {
        String name = p.get("method");
        if (blank(name)) throw new TopApiException(TopError.platform(21, "Missing method"));
        if (!methods.exists(name)) throw new TopApiException(TopError.platform(22, "Invalid method", "no method " + name));
        String appKey = p.get("app_key");
        if (blank(appKey)) throw new TopApiException(TopError.platform(28, "Missing app key"));
        Optional<TopCredentials> creds = metadata.findTopCredentials(appKey);
        if (creds.isEmpty()) throw new TopApiException(TopError.platform(29, "Invalid app Key"));
        String v = p.get("v");
        if (blank(v)) throw new TopApiException(TopError.platform(32, "Missing version"));
        if (!v.equals("2.0") && !v.equals("2")) throw new TopApiException(TopError.platform(33, "Invalid version", "only v=2.0 is supported"));
        String ts = p.get("timestamp");
        if (blank(ts)) throw new TopApiException(TopError.platform(30, "Missing timestamp"));
        Instant sent;
        try {
            sent = TopTimestamp.parse(ts.trim());
        } catch (IllegalArgumentException e) {
            throw new TopApiException(TopError.platform(31, "Invalid timestamp", "timestamp must be yyyy-MM-dd HH:mm:ss (GMT+8) or epoch milliseconds"));
        }
        Instant now = space.now();
        if (Duration.between(sent, now).abs().compareTo(MAX_SKEW) > 0)
            throw new TopApiException(TopError.platform(31, "Invalid timestamp", "timestamp is more than 10 minutes away from the server's time " + TopTimestamp.format(now)));
        String sign = p.get("sign");
        if (blank(sign)) throw new TopApiException(TopError.platform(24, "Missing signature"));
        String signMethod = p.get("sign_method");
        if (blank(signMethod)) signMethod = "md5"; // top.md §2.5: the legacy default
        signMethod = signMethod.toLowerCase(Locale.ROOT);
        if (!signMethod.equals("md5") && !signMethod.equals("hmac") && !signMethod.equals("hmac-sha256"))
            throw new TopApiException(TopError.platform(25, "Invalid signature", "sign_method must be md5, hmac or hmac-sha256"));
        if (!TopSignature.verify(p.text(), creds.get().appSecret(), signMethod, sign.trim()))
            throw new TopApiException(TopError.platform(25, "Invalid signature"));
        String format = p.get("format");
        if (format != null && Format.of(format).isEmpty())
            throw new TopApiException(TopError.platform(23, "Invalid format", "format must be json or xml"));
        String session = p.get("session");
        if (blank(session)) session = p.get("access_token");
        if (blank(session)) throw new TopApiException(TopError.platform(26, "Missing session"));
        if (!session.equals(creds.get().session()))
            throw new TopApiException(new TopError(27, "Invalid session", "invalid-sessionkey", "SessionKey非法"));
        return creds.get().tenantId();
    }

    private static boolean blank(String s) { return s == null || s.isBlank(); }

    /** top.md §3.1: method without the leading "taobao.", dots to underscores, plus "_response". */
    static String responseName(String method) {
        String m = method.startsWith("taobao.") ? method.substring("taobao.".length()) : method;
        return m.replace('.', '_') + "_response";
    }

    private ObjectNode errorBody(RuntimeException e) {
        TopError err = TopMethods.errorFor(e);
        if (err == null) {
            if (e instanceof Exceptions.StorageException) log.error("storage failure", e);
            else log.error("unexpected failure", e);
            err = TopError.business("isp.remote-service-error", "the picture service failed to process the call; retry later");
        }
        ObjectNode body = ObjectNode.object().put("code", (long) err.code()).put("msg", err.msg());
        if (err.subCode() != null) body.put("sub_code", err.subCode());
        if (err.subMsg() != null) body.put("sub_msg", err.subMsg());
        return body;
    }

    enum Format {
        JSON("application/json;charset=UTF-8"), XML("text/xml;charset=UTF-8");
        final String contentType;
        Format(String ct) { this.contentType = ct; }

        /** top.md §2.3: json or xml; the SDK's json2/xml2 variants are read the same way. */
        static Optional<Format> of(String v) {
            if (v == null || v.isBlank()) return Optional.of(XML);
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "json", "json2" -> Optional.of(JSON);
                case "xml", "xml2" -> Optional.of(XML);
                default -> Optional.empty();
            };
        }
    }
}
