package dev.picspace.gateway.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Error answers for transform requests, in the style of the convention the request used: an
 * {@code x-oss-process} request gets OSS's XML error (vod.md §4.4:
 * {@code <Error><Code/><Message/><RequestId/><HostId/></Error>}), so OSS SDKs and tools report it
 * as they would OSS's own; anything else gets the same short plain text as every other serving
 * error. Never cached: the same URL may work once the picture or the load changes.
 */
final class TransformErrors {
    private TransformErrors() {}

    private static final SecureRandom IDS = new SecureRandom();

    static void send(Request request, Response response, Callback callback, TransformRequest.Convention convention,
                     int status, String code, String message) {
        if (convention != TransformRequest.Convention.OSS) {
            ContentResponder.sendText(request, response, callback, status, message);
            return;
        }
        byte[] id = new byte[12];
        IDS.nextBytes(id);
        String host = request.getHttpURI().getHost();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n"
                + "  <Code>" + escape(code) + "</Code>\n"
                + "  <Message>" + escape(message) + "</Message>\n"
                + "  <RequestId>" + HexFormat.of().formatHex(id).toUpperCase() + "</RequestId>\n"
                + "  <HostId>" + escape(host == null ? "" : host) + "</HostId>\n"
                + "</Error>\n";
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "application/xml");
        headers.put(ContentResponder.NOSNIFF);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.setStatus(status);
        if (HttpMethod.HEAD.is(request.getMethod())) callback.succeeded();
        else response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** XML element content: &, < and > escaped (quotes need no escape there), no control characters (not XML 1.0). */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') b.append('?');
                    else b.appendCodePoint(c);
                }
            }
        });
        return b.toString();
    }
}
