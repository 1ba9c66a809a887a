package dev.picspace.gateway.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;

/** A real Jetty server on a free loopback port, an HTTP/1.1 client, and a raw-socket client for exact request lines. */
final class ServeTestSupport implements AutoCloseable {

    static {
        quietLogging();
    }

    final Server server;
    final int port;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** @param uriCompliance null for Jetty's default */
    ServeTestSupport(Handler handler, UriCompliance uriCompliance) throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        if (uriCompliance != null) config.setUriCompliance(uriCompliance);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        port = connector.getLocalPort();
    }

    /**
     * logback (a compile dependency of picspace) logs everything at DEBUG without a configuration,
     * and Jetty's debug output costs tests seconds; tests care about WARN and up.
     */
    static void quietLogging() {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<byte[]> get(String path, String... headerPairs) throws IOException, InterruptedException {
        return send("GET", path, headerPairs);
    }

    HttpResponse<byte[]> send(String method, String path, String... headerPairs) throws IOException, InterruptedException {
        HttpRequest.Builder builder = request(path).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headerPairs.length; i += 2) builder.header(headerPairs[i], headerPairs[i + 1]);
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The status code of a request sent byte for byte as {@code requestTarget}, no client normalisation. */
    int rawStatus(String method, String requestTarget) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + requestTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream statusLine = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') statusLine.write(b);
            String line = statusLine.toString(StandardCharsets.ISO_8859_1);
            // "HTTP/1.1 404 Not Found"
            return Integer.parseInt(line.split(" ")[1]);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static Path writeFile(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** One part of a multipart/byteranges body. */
    record Part(String contentType, String contentRange, byte[] bytes) {}

    /**
     * A strict multipart/byteranges reader (RFC 9110 §14.6, RFC 2046 §5.1.1): every part must have
     * a Content-Range whose length is the part's exact byte count, followed by a delimiter.
     */
    static List<Part> parseMultipart(String contentType, byte[] body) {
        String marker = "boundary=";
        int at = contentType.indexOf(marker);
        if (!contentType.startsWith("multipart/byteranges") || at < 0) throw new AssertionError("not multipart/byteranges: " + contentType);
        String boundary = contentType.substring(at + marker.length()).trim();
        if (boundary.startsWith("\"")) boundary = boundary.substring(1, boundary.length() - 1);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int pos = 0;
        // preamble (we send none) up to the first delimiter
        pos = indexOf(body, delimiter, pos);
        if (pos < 0) throw new AssertionError("no delimiter");
        pos += delimiter.length;
        while (true) {
            if (body[pos] == '-' && body[pos + 1] == '-') break; // close-delimiter
            expect(body, pos, "\r\n");
            pos += 2;
            String type = null;
            String range = null;
            while (true) {
                int eol = indexOf(body, "\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
                String line = new String(body, pos, eol - pos, StandardCharsets.ISO_8859_1);
                pos = eol + 2;
                if (line.isEmpty()) break;
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim().toLowerCase();
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-type")) type = value;
                if (name.equals("content-range")) range = value;
            }
            if (range == null) throw new AssertionError("part without Content-Range");
            // "bytes first-last/length"
            String[] span = range.substring("bytes ".length(), range.indexOf('/')).split("-");
            int length = (int) (Long.parseLong(span[1]) - Long.parseLong(span[0]) + 1);
            byte[] bytes = java.util.Arrays.copyOfRange(body, pos, pos + length);
            pos += length;
            expect(body, pos, "\r\n");
            pos += 2;
            if (indexOf(body, delimiter, pos) != pos) throw new AssertionError("part not followed by a delimiter");
            pos += delimiter.length;
            parts.add(new Part(type, range, bytes));
        }
        return parts;
    }

    private static void expect(byte[] body, int pos, String text) {
        byte[] want = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < want.length; i++) {
            if (body[pos + i] != want[i]) throw new AssertionError("expected " + text.replace("\r\n", "CRLF") + " at " + pos);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
