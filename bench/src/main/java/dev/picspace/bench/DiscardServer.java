package dev.picspace.bench;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The ingest reference: a Jetty configured as PicspaceServer's (same thread pool, same HTTP
 * configuration) whose only handler reads the whole body, the way picspace does (a blocking
 * InputStream), throws it away and answers a fixed, well-formed picture.upload response, so the
 * real Taobao client does exactly the same client-side work against it. What picspace costs
 * beyond this is its own work: multipart parsing, hashing, staging and fsync, probing, the
 * metadata transaction.
 */
final class DiscardServer implements AutoCloseable {
    private static final byte[] UPLOAD_RESPONSE = ("{\"picture_upload_response\":{\"picture\":{\"picture_id\":1,"
            + "\"picture_category_id\":0,\"picture_path\":\"http://127.0.0.1/i/00000000000000000000.jpg\",\"title\":\"x\","
            + "\"sizes\":1,\"pixel\":\"1x1\",\"status\":\"0\",\"deleted\":\"0\",\"client_type\":\"client:computer\","
            + "\"created\":\"2026-01-01 00:00:00\",\"modified\":\"2026-01-01 00:00:00\",\"md5\":\"\"},"
            + "\"request_id\":\"discard\"}}").getBytes(StandardCharsets.UTF_8);

    private final Server server;
    private final ServerConnector connector;

    DiscardServer() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("discard-http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                try (InputStream body = Request.asInputStream(request)) {
                    body.transferTo(OutputStream.nullOutputStream());
                }
                response.setStatus(HttpStatus.OK_200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
                response.write(true, ByteBuffer.wrap(UPLOAD_RESPONSE), callback);
                return true;
            }
        });
        server.start();
    }

    String url() { return "http://127.0.0.1:" + connector.getLocalPort() + "/router/rest"; }

    @Override
    public void close() throws Exception { server.stop(); }
}
