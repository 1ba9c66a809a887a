package dev.picspace.gateway.vod;

import dev.picspace.domain.Exceptions;
import dev.picspace.domain.NonceRegistry;
import dev.picspace.domain.PictureSpace;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.gateway.GatewayMetrics;
import dev.picspace.gateway.MediaUrls;
import dev.picspace.gateway.RequestIds;
import dev.picspace.gateway.http.MalformedRequestException;
import dev.picspace.gateway.http.RequestParameters;
import dev.picspace.gateway.sign.Digests;
import dev.picspace.gateway.tree.Document;
import dev.picspace.gateway.tree.JsonTreeWriter;
import dev.picspace.gateway.tree.ObjectNode;
import dev.picspace.gateway.tree.XmlTreeWriter;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Alibaba Cloud VOD RPC endpoint (API version 2017-03-21) at exactly {@code /}, GET and POST
 * (vod.md §1, §7): parameters from the query string and a form body, {@code Action} and
 * {@code Version} also from {@code x-acs-action} / {@code x-acs-version}; authentication by
 * {@link VodAuthenticator}; the action's body written as JSON or XML from one response tree.
 *
 * <p>Responses: HTTP 200 and a flat body ({@code {"RequestId":…,"ImageInfo":{…}}}; XML root
 * {@code <ActionResponse>}); errors with their documented status and
 * {@code {RequestId, HostId, Code, Message, Recommend}} (XML {@code <Error>}). Every answer has
 * a RequestId and an {@code x-acs-request-id} header. Anything unexpected is InternalError (500)
 * with a log line, never a stack trace to the client.
 */
public final class VodGateway extends Handler.Abstract {
    public static final String PATH = "/";
    public static final String VERSION = "2017-03-21";
    private static final Logger log = LoggerFactory.getLogger(VodGateway.class);
    /** RPC bodies are form-encoded API parameters: small. The same bound as RequestParameters' text. */
    static final int MAX_BODY_BYTES = RequestParameters.MAX_TEXT_BYTES;

    private final PictureSpace space;
    private final VodActions actions;
    private final VodAuthenticator authenticator;
    private final GatewayMetrics metrics;

    public VodGateway(PictureSpace space, MediaUrls urls, TemporaryCredentials sts, NonceRegistry nonces, Clock clock,
                      GatewayMetrics metrics) {
        this.space = space;
        this.actions = new VodActions(space, urls, sts);
        this.authenticator = new VodAuthenticator(space.metadata(), sts, nonces, clock);
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!PATH.equals(Request.getPathInContext(request))) return false;
        String method = request.getMethod();
        if (!"GET".equals(method) && !"POST".equals(method)) return false;
        long started = System.nanoTime();
        String requestId = RequestIds.uuid();
        MDC.put("request_id", requestId);
        try {
            Answer a = answer(request, requestId);
            ObjectNode body;
            if (a.error() == null) {
                body = ObjectNode.object().put("RequestId", requestId); // first, as in every documented sample
                a.body().fields().forEach(body::put);
            } else {
                body = errorBody(requestId, host(request), a.error());
            }
            byte[] bytes = a.format() == Format.JSON
                    ? JsonTreeWriter.write(new Document(a.root(), body, false), false)
                    : XmlTreeWriter.write(new Document(a.root(), body, false));
            response.setStatus(a.error() == null ? 200 : a.error().status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, a.format().contentType);
            response.getHeaders().put("x-acs-request-id", requestId);
            response.write(true, ByteBuffer.wrap(bytes), callback);
            long nanos = System.nanoTime() - started;
            String outcome = a.error() == null ? "ok" : "error_" + a.error().code();
            metrics.request("vod", a.action(), outcome, nanos);
            log.info("vod {} {} {}ms", a.action(), outcome, nanos / 100_000 / 10.0);
        } finally {
            MDC.remove("request_id");
        }
        return true;
    }

    /** One call's outcome: a body (success) or an error, the root element, the format, the action label. */
    private record Answer(String root, ObjectNode body, VodError error, Format format, String action) {}

    private Answer answer(Request request, String requestId) {
        Format format = Format.XML;
        String label = "unknown";
        try {
            byte[] body = readBody(request);
            RequestParameters params, queryOnly;
            try {
                String query = request.getHttpURI().getQuery();
                String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
                params = RequestParameters.read(query, contentType, body.length, () -> new ByteArrayInputStream(body), MAX_BODY_BYTES);
                queryOnly = RequestParameters.read(query, null, -1, InputStream::nullInputStream, 0);
            } catch (MalformedRequestException e) {
                throw VodArguments.invalid("Body", "The request cannot be read: " + e.getMessage() + ".");
            }
            Map<String, String> headers = headers(request);
            format = Format.of(params.get("Format"), headers.get("accept"));
            String action = params.get("Action");
            if (action == null || action.isEmpty()) action = headers.get("x-acs-action");
            String version = params.get("Version");
            if (version == null || version.isEmpty()) version = headers.get("x-acs-version");
            if (action == null || action.isBlank()) throw new VodApiException(VodError.missingParameter("Action"));
            if (!actions.exists(action)) throw new VodApiException(VodError.actionNotFound());
            label = action;
            if (version == null || version.isBlank()) throw new VodApiException(VodError.missingParameter("Version"));
            if (!VERSION.equals(version.trim())) throw new VodApiException(VodError.invalidVersion());
            VodAuthenticator.Caller caller = authenticator.authenticate(new VodAuthenticator.SignedRequest(request.getMethod(),
                    request.getHttpURI().getPath(), params.text(), queryOnly.text(), headers, Digests.sha256Hex(body)));
            MDC.put("tenant", Long.toString(caller.tenantId()));
            ObjectNode out = actions.invoke(action, new VodActions.Call(caller.tenantId(), new VodArguments(params.text())));
            return new Answer(action + "Response", out, null, format, label);
        } catch (RuntimeException e) {
            return new Answer("Error", ObjectNode.object(), errorFor(e, requestId), format, label);
        } finally {
            MDC.remove("tenant");
        }
    }

    /** The body, read whole (it is hashed for ACS3 and parsed for parameters), at most {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(Request request) {
        long declared = request.getLength();
        if (declared > MAX_BODY_BYTES) {
            RequestParameters.discardBody(request, 4L * MAX_BODY_BYTES);
            throw VodArguments.invalid("Body", "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
        }
        try (InputStream in = Request.asInputStream(request)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                out.write(chunk, 0, n);
                if (out.size() > MAX_BODY_BYTES)
                    throw VodArguments.invalid("Body", "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw VodArguments.invalid("Body", "The request body could not be read: " + e.getMessage() + ".");
        }
    }

    private static Map<String, String> headers(Request request) {
        Map<String, String> h = new HashMap<>();
        for (HttpField f : request.getHeaders()) h.putIfAbsent(f.getLowerCaseName(), f.getValue());
        return h;
    }

    private static String host(Request request) {
        String h = request.getHeaders().get(HttpHeader.HOST);
        return h == null ? Request.getServerName(request) : h;
    }

    /** Maps a failure to its VOD error (vod.md §2.2); unknown failures are logged and become InternalError. */
    private static VodError errorFor(RuntimeException e, String requestId) {
        if (e instanceof VodApiException v) return v.error;
        if (e instanceof Exceptions.PictureNotFoundException) return VodError.noSuchResource(e.getMessage());
        if (e instanceof Exceptions.CategoryNotFoundException) return VodError.cateIdNotFound(e.getMessage());
        if (e instanceof Exceptions.CategoryTooDeepException) return VodError.levelExceeded(e.getMessage());
        if (e instanceof Exceptions.TooManySubcategoriesException) return VodError.subTotalExceeded(e.getMessage());
        if (e instanceof Exceptions.CategoryRuleException) return VodError.subTotalExceeded(e.getMessage()); // the tenant-wide limit
        if (e instanceof Exceptions.DuplicateCategoryNameException)
            return VodError.invalidParameter("CateName", "A category with this name already exists at this place of the tree.");
        if (e instanceof Exceptions.InvalidArgumentException ia) return VodError.invalidParameter(ia.argument(), e.getMessage());
        if (e instanceof Exceptions.TenantNotFoundException) return VodError.forbidden("The key's tenant does not exist.");
        if (e instanceof Exceptions.StorageException) log.error("storage failure (request {})", requestId, e);
        else log.error("unexpected failure (request {})", requestId, e);
        return VodError.internalError();
    }

    private static ObjectNode errorBody(String requestId, String host, VodError error) {
        return ObjectNode.object()
                .put("RequestId", requestId)
                .put("HostId", host)
                .put("Code", error.code())
                .put("Message", error.fullMessage())
                .put("Recommend", error.detail() == null ? error.message() : error.detail());
    }

    enum Format {
        JSON("application/json;charset=utf-8"), XML("text/xml;charset=utf-8");
        final String contentType;
        Format(String ct) { this.contentType = ct; }

        /**
         * {@code Format} JSON/XML in any case (tea-rpc sends "json"); without it, an Accept of
         * JSON only (the async SDK's ACS3 requests carry no Format parameter but accept JSON);
         * otherwise the documented default, XML (vod.md §1.1).
         */
        static Format of(String format, String accept) {
            if (format != null && !format.isBlank()) {
                return switch (format.trim().toLowerCase(Locale.ROOT)) {
                    case "json" -> JSON;
                    case "xml" -> XML;
                    default -> throw VodArguments.invalid("Format", "Format must be JSON or XML, not '" + format + "'.");
                };
            }
            if (accept != null) {
                String a = accept.toLowerCase(Locale.ROOT);
                if (a.contains("json") && !a.contains("xml")) return JSON;
            }
            return XML;
        }
    }
}
