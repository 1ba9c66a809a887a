package dev.picspace.gateway.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The parameters of one HTTP request, merged from the query string and the body, as both dialects
 * need them: TOP SDKs put system parameters in the query and API parameters in the body (top.md
 * §0.2, §2.2); VOD's RPC clients use either.
 *
 * <p>Sources:
 * <ul>
 *   <li>the query string, always, decoded as UTF-8 with {@code +} as a space;</li>
 *   <li>a body of type {@code application/x-www-form-urlencoded}, in its {@code charset}
 *       parameter (default UTF-8);</li>
 *   <li>a body of type {@code multipart/form-data}, through {@link MultipartParser}: parts with a
 *       file name become {@link FilePart}s, the others text parameters (in the part's charset,
 *       else the multipart Content-Type's, else UTF-8);</li>
 *   <li>any other body (JSON, none at all) is not read and is not an error.</li>
 * </ul>
 *
 * <p>Duplicates: within one source the <em>first</em> occurrence of a name wins (as a servlet's
 * {@code getParameter}); between sources the <em>body</em> wins over the query string. No SDK sends
 * a name twice, so this only decides what a hand-made request gets.
 *
 * <p>Order of {@link #text()}: insertion order — query parameters as they appear, then body
 * parameters not in the query; a body value that overrides a query value keeps the query's place.
 * (Signing sorts by itself, see {@code TopSignature}.)
 *
 * <p>Limits, all refused with {@link MalformedRequestException}: a body over {@code maxBodyBytes}
 * (a Content-Length over it is refused before a byte is read; a chunked body as soon as it passes
 * it); text parameters from the body over {@value #MAX_TEXT_BYTES} bytes in all; more than
 * {@value #MAX_PARAMETERS} parameters; multipart limits of {@link MultipartParser}. Malformed
 * percent-encoding or text invalid in its charset is refused too.
 *
 * <p>Files: up to {@value #IN_MEMORY_FILE_LIMIT} bytes in memory, larger ones spooled to a temporary
 * file in {@link #spoolDirectory()}; {@link #close()} deletes them. Of two file parts with the same
 * name the first is kept and the second skipped unread.
 */
public final class RequestParameters implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestParameters.class);

    /** File parts up to this size stay in memory; larger ones go to a temporary file. */
    public static final int IN_MEMORY_FILE_LIMIT = 256 * 1024;
    /** Text parameters from the body (form or multipart text parts), bytes in all. */
    public static final int MAX_TEXT_BYTES = 2 * 1024 * 1024;
    /** Text parameters and files, counted over query and body together. */
    public static final int MAX_PARAMETERS = 1000;

    private static volatile Path spoolDirectory;

    private final Map<String, String> text;
    private final Map<String, FilePart> files;
    private final List<Path> tempFiles;
    private boolean closed;

    private RequestParameters(Map<String, String> text, Map<String, FilePart> files, List<Path> tempFiles) {
        this.text = Collections.unmodifiableMap(text);
        this.files = Collections.unmodifiableMap(files);
        this.tempFiles = tempFiles;
    }

    /** Where large file parts are spooled; null (the default) means the system temporary directory. */
    public static void setSpoolDirectory(Path dir) { spoolDirectory = dir; }

    /** The directory set by {@link #setSpoolDirectory}, or null for the system temporary directory. */
    public static Path spoolDirectory() { return spoolDirectory; }

    /**
     * Reads and throws away what is left of a refused request's body, up to {@code maxBytes}.
     * A server that answers before the client has finished sending, then closes, makes the
     * client's TCP stack see a reset that can destroy the answer: the SDKs would then report a
     * broken connection instead of the error. Draining a bounded amount lets them read it;
     * beyond the bound the connection is closed anyway.
     *
     * @return true when the whole body was consumed
     */
    public static boolean discardBody(Request request, long maxBytes) {
        long declared = request.getLength();
        if (declared > maxBytes) return false;
        try (InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(request)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > maxBytes) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads all parameters of {@code request}, blocking until the body has been read.
     *
     * @param maxBodyBytes the largest body accepted, in bytes
     * @throws MalformedRequestException if the request cannot be read as parameters
     */
    public static RequestParameters read(Request request, long maxBodyBytes) {
        return read(request.getHttpURI().getQuery(),
                request.getHeaders().get(HttpHeader.CONTENT_TYPE),
                request.getLength(),
                () -> Request.asInputStream(request),
                maxBodyBytes);
    }

    /**
     * The same from the raw parts of a request: the still-encoded query string (or null), the
     * Content-Type (or null), the declared Content-Length (negative if unknown) and the body, which
     * is only opened if its type is one that is read. Public for callers that must also see the
     * raw body (VOD's ACS3 signature covers its SHA-256) and so read it themselves first.
     */
    public static RequestParameters read(String rawQuery, String contentType, long contentLength,
                                  Supplier<InputStream> body, long maxBodyBytes) {
        if (maxBodyBytes < 0) throw new IllegalArgumentException("maxBodyBytes < 0");
        Collector collected = new Collector();
        InputStream raw = null;
        try {
            if (rawQuery != null && !rawQuery.isEmpty())
                UrlEncodedForm.parse(rawQuery.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8,
                        "query string", collected::query);
            if (contentLength > maxBodyBytes)
                throw tooLarge("Content-Length " + contentLength + " exceeds " + maxBodyBytes + " bytes");
            HeaderValue type = HeaderValue.parse(contentType);
            switch (type.token) {
                case "application/x-www-form-urlencoded" -> {
                    raw = body.get();
                    readForm(new BodyLimitInputStream(raw, maxBodyBytes), charsetOf(type, StandardCharsets.UTF_8), collected);
                }
                case "multipart/form-data" -> {
                    String boundary = MultipartParser.boundary(contentType);
                    raw = body.get();
                    readMultipart(new MultipartParser(new BodyLimitInputStream(raw, maxBodyBytes), boundary),
                            charsetOf(type, StandardCharsets.UTF_8), collected);
                }
                default -> { /* not a parameter body: leave it unread (top.md §2.2 uses only these two) */ }
            }
            // At the end of the body this only releases the last chunk.
            if (raw != null) closeQuietly(raw);
            return collected.build();
        } catch (IOException e) {
            collected.deleteTempFiles();
            throw new MalformedRequestException("could not read the request body: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            collected.deleteTempFiles();
            throw e;
        }
        // After a refusal the body is deliberately left open: closing it fails the request's content,
        // so the caller's discardBody could no longer drain what the client is still sending, and the
        // server would close the connection under a client mid-upload, whose TCP stack may then reset
        // it and lose the error response (RFC 9112 §9.6, tear-down). The caller drains a bounded amount
        // (discardBody) and answers; Jetty closes the connection when more than that remains.
    }

    /** One value by name: the body's if both query and body have it; null if absent. Files are not included. */
    public String get(String name) { return text.get(name); }

    /** All text parameters, merged and ordered as the class comment says; unmodifiable. */
    public Map<String, String> text() { return text; }

    /** The file part of that form field name, if one was sent. */
    public Optional<FilePart> file(String name) { return Optional.ofNullable(files.get(name)); }

    /** The form field names of the file parts, in the order they came (not the client file names). */
    public Set<String> fileNames() { return files.keySet(); }

    /** Deletes the temporary files of spooled parts; their {@link FilePart#open()} fails afterwards. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        deleteAll(tempFiles);
    }

    static MalformedRequestException tooLarge(String detail) {
        return new MalformedRequestException("body too large: " + detail);
    }

    private static Charset charsetOf(HeaderValue type, Charset fallback) {
        String name = type.param("charset");
        if (name == null || name.isEmpty()) return fallback;
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            throw new MalformedRequestException("unsupported charset: " + name);
        }
    }

    private static void readForm(InputStream in, Charset charset, Collector collected) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        copyText(in, bytes, collected);
        UrlEncodedForm.parse(bytes.toByteArray(), charset, "form body", collected::body);
    }

    private static void readMultipart(MultipartParser parser, Charset defaultCharset, Collector collected) throws IOException {
        MultipartParser.Part part;
        while ((part = parser.nextPart()) != null) {
            if (part.isFile()) {
                if (!collected.hasFile(part.name())) collected.file(spool(part, collected));
            } else {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
                copyText(part.content(), bytes, collected);
                Charset cs = part.charset(defaultCharset);
                collected.body(part.name(), UrlEncodedForm.strictDecode(bytes.toByteArray(), cs, "part '" + part.name() + "'"));
            }
        }
        parser.skipEpilogue();
    }

    /** Copies text bytes, charging them to the request's text budget. */
    private static void copyText(InputStream in, ByteArrayOutputStream out, Collector collected) throws IOException {
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            collected.textBytes += n;
            if (collected.textBytes > MAX_TEXT_BYTES)
                throw tooLarge("text parameters exceed " + MAX_TEXT_BYTES + " bytes");
            out.write(chunk, 0, n);
        }
    }

    /** Keeps a part in memory while it is small, moving it to a temporary file once it is not. */
    private static FilePart spool(MultipartParser.Part part, Collector collected) throws IOException {
        InputStream in = part.content();
        ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
        OutputStream file = null;
        Path path = null;
        long size = 0;
        byte[] chunk = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                size += n;
                if (file == null && memory.size() + n > IN_MEMORY_FILE_LIMIT) {
                    Path dir = spoolDirectory;
                    path = dir == null ? Files.createTempFile("picspace-upload-", ".part")
                            : Files.createTempFile(dir, "picspace-upload-", ".part");
                    collected.tempFiles.add(path); // registered before writing: an error mid-way still deletes it
                    file = Files.newOutputStream(path);
                    memory.writeTo(file);
                    memory = null;
                }
                if (file != null) file.write(chunk, 0, n);
                else memory.write(chunk, 0, n);
            }
        } finally {
            if (file != null) file.close();
        }
        String fileName = part.fileName();
        return path != null
                ? new FilePart(part.name(), fileName, part.contentType(), size, path, null)
                : new FilePart(part.name(), fileName, part.contentType(), size, null, memory.toByteArray());
    }

    private static void deleteAll(List<Path> paths) {
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("could not delete spooled upload {}", p, e);
            }
        }
        paths.clear();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the request is over for us either way
        }
    }

    /** What has been read so far; the merge rules live here. */
    private static final class Collector {
        final Map<String, String> query = new LinkedHashMap<>();
        final Map<String, String> body = new LinkedHashMap<>();
        final Map<String, FilePart> files = new LinkedHashMap<>();
        final List<Path> tempFiles = new ArrayList<>();
        long textBytes;
        int count;

        void query(String name, String value) {
            count();
            query.putIfAbsent(name, value);
        }

        void body(String name, String value) {
            count();
            body.putIfAbsent(name, value);
        }

        boolean hasFile(String name) { return files.containsKey(name); }

        void file(FilePart part) {
            count();
            files.put(part.name(), part);
        }

        private void count() {
            if (++count > MAX_PARAMETERS)
                throw new MalformedRequestException("too many parameters (max " + MAX_PARAMETERS + ")");
        }

        RequestParameters build() {
            Map<String, String> merged = new LinkedHashMap<>(query);
            merged.putAll(body); // body wins; an overridden query name keeps its position
            return new RequestParameters(merged, files, tempFiles);
        }

        void deleteTempFiles() { deleteAll(tempFiles); }
    }
}
