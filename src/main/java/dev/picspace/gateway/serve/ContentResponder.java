package dev.picspace.gateway.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.http.ByteRange;
import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpDateTime;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.PathContentSource;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GET and HEAD for one immutable representation with the full HTTP semantics of RFC 9110
 * (conditional requests §13, ranges §14) and RFC 9111 (the validators and Cache-Control caches
 * need), on Jetty 12 core.
 *
 * <p>Order of evaluation, which is the order RFC 9110 §13.2.2 prescribes:
 * <ol>
 *   <li>method: anything but GET/HEAD is 405 with {@code Allow} (§15.5.6);</li>
 *   <li>If-Match, else If-Unmodified-Since: 412 when false;</li>
 *   <li>If-None-Match, else If-Modified-Since: 304 when false;</li>
 *   <li>for GET only, Range (with If-Range): 206, multipart 206, 416, or the full 200.</li>
 * </ol>
 *
 * <p>Fast path: a full GET of a representation that a {@link ContentCache} holds (small) or maps
 * (large local file) is one {@code Response.write(true, buffer, callback)} of a direct buffer: no
 * read, no heap copy, non-blocking. Without a cache, a local file goes through Jetty's
 * {@link PathContentSource} and anything else is streamed through pooled buffers
 * ({@link BodyWriter}). An unreadable body before the response is committed becomes a short 500;
 * after it, the connection is aborted (the only honest signal left) and a line is logged.
 */
public final class ContentResponder {
    private static final Logger LOG = LoggerFactory.getLogger(ContentResponder.class);

    private ContentResponder() {}

    /**
     * One immutable representation.
     *
     * @param etag         the strong entity tag's opaque value without quotes (e.g. a sha256 hex)
     * @param length       exact length in bytes
     * @param lastModified may be null (then no Last-Modified and no date preconditions)
     * @param contentType  the media type the bytes have
     * @param cacheControl the Cache-Control value, or null for none
     * @param body         where the bytes come from
     */
    public record Representation(String etag, long length, Instant lastModified, String contentType,
                                 String cacheControl, Body body) {
        public Representation {
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
            if (length < 0) throw new IllegalArgumentException("negative length");
            // etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3); no quote, no space, no control
            if (etag.isEmpty()) throw new IllegalArgumentException("empty etag");
            for (int i = 0; i < etag.length(); i++) {
                char c = etag.charAt(i);
                if (c <= 0x20 || c == '"' || c == 0x7f || c > 0xff) throw new IllegalArgumentException("bad etag character");
            }
        }
    }

    /** The bytes of a representation. */
    public interface Body {
        /** {@code length} bytes from {@code offset}; the caller closes the stream. */
        InputStream open(long offset, long length) throws IOException;

        /** The bytes as a local file of exactly the representation's length, when there is one. */
        default Optional<Path> file() { return Optional.empty(); }
    }

    /**
     * How an answer other than the representation is written: 405, 412, 416, and the 500 of an
     * unreadable body. Header fields already set (Allow, Content-Range) must be kept. By default a
     * short text ({@link #PLAIN_TEXT}); a dialect whose clients parse error bodies passes its own
     * (the OSS SDK reads an XML {@code <Error>} and fails on anything else).
     */
    @FunctionalInterface
    public interface ErrorAnswer {
        /** Sends {@code status} with {@code reason} (its RFC 9110 reason phrase); completes {@code callback}. */
        void send(Request request, Response response, Callback callback, int status, String reason);
    }

    /** The default {@link ErrorAnswer}: a tiny text/plain body, not cached. */
    public static final ErrorAnswer PLAIN_TEXT = ContentResponder::sendText;

    static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
    private static final HttpField ACCEPT_RANGES = new PreEncodedHttpField(HttpHeader.ACCEPT_RANGES, "bytes");
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");
    private static final HttpField TEXT_PLAIN = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
    /** Error answers depend on the moment (an Uploading picture becomes servable) or on request headers. */
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final SecureRandom BOUNDARY_RANDOM = new SecureRandom();

    /** Responds without a byte cache. Completes {@code callback} in every case. */
    public static void respond(Request request, Response response, Callback callback, Representation rep) {
        respond(request, response, callback, rep, (ContentCache) null);
    }

    /**
     * Responds, taking small bodies and file mappings from {@code cache} when given. Completes
     * {@code callback} in every case; never throws.
     *
     * @param cache null for none; only for representations whose ETag names their bytes (see {@link ContentCache})
     */
    public static void respond(Request request, Response response, Callback callback, Representation rep,
                               ContentCache cache) {
        respond(request, response, callback, rep, cache, true, PLAIN_TEXT);
    }

    /** Responds with {@code cache} (may be null), writing answers other than the representation with {@code errors}. */
    public static void respond(Request request, Response response, Callback callback, Representation rep,
                               ContentCache cache, ErrorAnswer errors) {
        respond(request, response, callback, rep, cache, true, Objects.requireNonNull(errors, "errors"));
    }

    /** Responds without a byte cache, writing answers other than the representation with {@code errors}. */
    public static void respond(Request request, Response response, Callback callback, Representation rep,
                               ErrorAnswer errors) {
        respond(request, response, callback, rep, null, true, Objects.requireNonNull(errors, "errors"));
    }

    /**
     * Responds only if that needs no blocking work: no read, no open, no mapping. That is the case for
     * 405, 412, 304, 416, HEAD, and for bodies that {@code cache} already holds or maps. Otherwise it
     * touches nothing and returns false, and the caller must call {@link #respond} from a thread that
     * may block.
     *
     * <p>This is what lets a handler declare {@code InvocationType.NON_BLOCKING} and serve cache hits
     * on Jetty's selector thread, with no hand-off to the thread pool: on this 2-core machine that was
     * the difference between about 0.65 and 0.95 of nginx's throughput for 20 KB pictures.
     *
     * @return true when the response was (or is being) sent and {@code callback} will be completed
     */
    public static boolean respondWithoutBlocking(Request request, Response response, Callback callback,
                                                 Representation rep, ContentCache cache) {
        return respond(request, response, callback, rep, cache, false, PLAIN_TEXT);
    }

    private static boolean respond(Request request, Response response, Callback callback, Representation rep,
                                   ContentCache cache, boolean mayBlock, ErrorAnswer errors) {
        try {
            return respondOrThrow(request, response, callback, rep, cache, mayBlock, errors);
        } catch (Throwable failure) {
            // everything below hands the callback on as its last step, so reaching here means it is still ours
            LOG.warn("cannot serve {} (etag {}): {}", request.getHttpURI().getPath(), rep == null ? null : rep.etag(),
                    String.valueOf(failure));
            if (response.isCommitted()) {
                callback.failed(failure);
            } else {
                response.reset();
                errors.send(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            }
            return true;
        }
    }

    /** @return false only when {@code mayBlock} is false and the answer needs bytes that are not in memory */
    private static boolean respondOrThrow(Request request, Response response, Callback callback, Representation rep,
                                          ContentCache cache, boolean mayBlock, ErrorAnswer errors) throws IOException {
        String method = request.getMethod();
        boolean get = HttpMethod.GET.is(method);
        if (!get && !HttpMethod.HEAD.is(method)) {
            // §15.5.6: a 405 MUST carry Allow
            response.getHeaders().put(ALLOW);
            errors.send(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Method Not Allowed");
            return true;
        }

        Preconditions pre = Preconditions.read(request.getHeaders());
        long lastModifiedSecond = rep.lastModified() == null ? Long.MIN_VALUE : rep.lastModified().getEpochSecond();

        // §13.2.2 step 1-2: If-Match (strong comparison, §13.1.1), else If-Unmodified-Since (§13.1.4)
        if (pre.ifMatch != null) {
            if (!EntityTags.listContains(pre.ifMatch, rep.etag(), false)) {
                errors.send(request, response, callback, HttpStatus.PRECONDITION_FAILED_412, "Precondition Failed");
                return true;
            }
        } else if (pre.ifUnmodifiedSince != null && rep.lastModified() != null) {
            long since = parseDateSeconds(pre.ifUnmodifiedSince);
            // an invalid date is ignored (§13.1.4)
            if (since != Long.MIN_VALUE && lastModifiedSecond > since) {
                errors.send(request, response, callback, HttpStatus.PRECONDITION_FAILED_412, "Precondition Failed");
                return true;
            }
        }

        // §13.2.2 step 3-4: If-None-Match (weak comparison, §13.1.2), else If-Modified-Since (§13.1.3)
        boolean notModified = false;
        if (pre.ifNoneMatch != null) {
            notModified = EntityTags.listContains(pre.ifNoneMatch, rep.etag(), true);
        } else if (pre.ifModifiedSince != null && rep.lastModified() != null) {
            long since = parseDateSeconds(pre.ifModifiedSince);
            // §13.1.3: ignore a date that is not valid; a date in our future cannot come from us, so
            // it is not a validator we issued either (Apache httpd ignores those too)
            if (since != Long.MIN_VALUE && since <= Instant.now().getEpochSecond() + 1) {
                notModified = lastModifiedSecond <= since;
            }
        }
        HttpFields.Mutable headers = response.getHeaders();
        if (notModified) {
            // §15.4.5: a 304 carries the validators and Cache-Control a 200 would have, and no body.
            // §8.6: its Content-Length, if any, MUST be the 200's; without one Jetty would write "0"
            putValidators(headers, rep);
            headers.put(HttpHeader.CONTENT_LENGTH, rep.length());
            response.setStatus(HttpStatus.NOT_MODIFIED_304);
            callback.succeeded();
            return true;
        }

        // §14.2: Range is only defined for GET; a server MUST ignore it for other methods
        RangeHeader.Outcome ranges = RangeHeader.Outcome.IGNORE;
        if (get && pre.range != null && !pre.rangeRepeated && ifRangeAllows(pre, rep, lastModifiedSecond)) {
            ranges = RangeHeader.evaluate(pre.range, rep.length());
        }
        if (ranges.kind() == RangeHeader.Kind.UNSATISFIABLE) {
            // §15.5.17: a 416 SHOULD say how long the representation is
            headers.put(HttpHeader.CONTENT_RANGE, ByteRange.toNonSatisfiableHeaderValue(rep.length()));
            errors.send(request, response, callback, HttpStatus.RANGE_NOT_SATISFIABLE_416, "Range Not Satisfiable");
            return true;
        }

        // from here on bytes are sent (unless HEAD or empty); find them before touching the response
        boolean needsBody = get && rep.length() > 0;
        // Body.file() may touch the disk (a store can check the file is there): not on a selector thread
        Path file = needsBody && mayBlock ? rep.body().file().orElse(null) : null;
        ByteBuffer whole = null;
        if (needsBody && cache != null) whole = mayBlock ? cache.buffer(rep, file) : cache.peek(rep);
        if (needsBody && whole == null && !mayBlock) return false;

        if (ranges.kind() == RangeHeader.Kind.PARTIAL) {
            if (ranges.ranges().size() == 1) sendSingleRange(request, response, callback, rep, whole, ranges.ranges().get(0));
            else sendMultipleRanges(request, response, callback, rep, whole, ranges.ranges());
        } else {
            sendFull(request, response, callback, rep, whole, file, get);
        }
        return true;
    }

    /**
     * If-Range (§13.1.5): only with Range; an entity-tag must match strongly, a date must equal
     * Last-Modified exactly. Anything else, including a malformed or repeated field, means "send
     * the whole representation".
     *
     * <p>A date is only a weak validator if the bytes can change twice within one second (§8.8.2.2);
     * ours can (a replace keeps the URL), so a client that sends the ETag is safer. Browsers do.
     */
    private static boolean ifRangeAllows(Preconditions pre, Representation rep, long lastModifiedSecond) {
        if (pre.ifRange == null) return true;
        if (pre.ifRangeRepeated) return false;
        if (EntityTags.looksLikeEntityTag(pre.ifRange)) return EntityTags.strongSingleMatch(pre.ifRange, rep.etag());
        if (rep.lastModified() == null) return false;
        long date = parseDateSeconds(pre.ifRange);
        return date != Long.MIN_VALUE && date == lastModifiedSecond;
    }

    /** @param whole the bytes in memory, or null to read them from {@code file} or the body's stream */
    private static void sendFull(Request request, Response response, Callback callback, Representation rep,
                                 ByteBuffer whole, Path file, boolean get) throws IOException {
        HttpFields.Mutable headers = response.getHeaders();
        putRepresentationHeaders(headers, rep);
        headers.put(HttpHeader.CONTENT_LENGTH, rep.length());
        response.setStatus(HttpStatus.OK_200);
        if (!get) {
            // HEAD: the same header fields as GET, no content (§9.3.2)
            callback.succeeded();
            return;
        }
        if (rep.length() == 0) {
            response.write(true, ByteBuffer.allocate(0), callback);
            return;
        }
        if (whole != null) {
            // the fast path: one non-blocking write of a direct buffer, cached or mapped
            response.write(true, whole.slice(), callback);
        } else if (file != null) {
            // no cache: Jetty's own file source, read through the connector's pooled buffers
            long size = Files.size(file);
            if (size != rep.length()) throw new IOException(file + " holds " + size + " bytes, expected " + rep.length());
            Content.copy(new PathContentSource(file, request.getComponents().getByteBufferPool()), response, callback);
        } else {
            stream(request, response, callback, rep, List.of(new BodyWriter.Stream(0, rep.length())));
        }
    }

    private static void sendSingleRange(Request request, Response response, Callback callback, Representation rep,
                                        ByteBuffer whole, ByteRange range) throws IOException {
        HttpFields.Mutable headers = response.getHeaders();
        putRepresentationHeaders(headers, rep);
        headers.put(HttpHeader.CONTENT_RANGE, range.toHeaderValue(rep.length()));
        headers.put(HttpHeader.CONTENT_LENGTH, range.getLength());
        response.setStatus(HttpStatus.PARTIAL_CONTENT_206);
        if (whole != null) {
            response.write(true, whole.slice((int) range.first(), (int) range.getLength()), callback);
        } else {
            stream(request, response, callback, rep, List.of(new BodyWriter.Stream(range.first(), range.getLength())));
        }
    }

    /** §14.6: multipart/byteranges, each part with its own Content-Type and Content-Range. */
    private static void sendMultipleRanges(Request request, Response response, Callback callback, Representation rep,
                                           ByteBuffer whole, List<ByteRange> ranges) {
        String boundary = newBoundary();
        List<BodyWriter.Segment> segments = new ArrayList<>(ranges.size() * 2 + 1);
        long contentLength = 0;
        for (int i = 0; i < ranges.size(); i++) {
            ByteRange range = ranges.get(i);
            // the CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1)
            String partHeader = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
                    + "Content-Type: " + rep.contentType() + "\r\n"
                    + "Content-Range: " + range.toHeaderValue(rep.length()) + "\r\n\r\n";
            ByteBuffer headerBytes = ByteBuffer.wrap(partHeader.getBytes(StandardCharsets.ISO_8859_1));
            segments.add(new BodyWriter.Bytes(headerBytes));
            contentLength += headerBytes.remaining();
            segments.add(whole != null
                    ? new BodyWriter.Bytes(whole.slice((int) range.first(), (int) range.getLength()))
                    : new BodyWriter.Stream(range.first(), range.getLength()));
            contentLength += range.getLength();
        }
        ByteBuffer closing = ByteBuffer.wrap(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        segments.add(new BodyWriter.Bytes(closing));
        contentLength += closing.remaining();

        HttpFields.Mutable headers = response.getHeaders();
        putValidators(headers, rep);
        headers.put(NOSNIFF);
        headers.put(ACCEPT_RANGES);
        headers.put(HttpHeader.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
        headers.put(HttpHeader.CONTENT_LENGTH, contentLength);
        response.setStatus(HttpStatus.PARTIAL_CONTENT_206);
        new BodyWriter(response, callback, rep.body(), segments, request.getComponents().getByteBufferPool(), null).iterate();
    }

    /** Opens the first stream before anything is committed, so an unreadable blob is still a clean 500. */
    private static void stream(Request request, Response response, Callback callback, Representation rep,
                               List<BodyWriter.Segment> segments) throws IOException {
        BodyWriter.Stream first = (BodyWriter.Stream) segments.get(0);
        InputStream in = rep.body().open(first.offset(), first.length());
        new BodyWriter(response, callback, rep.body(), segments, request.getComponents().getByteBufferPool(), in).iterate();
    }

    /** A 16-byte random boundary: it must not occur in the parts (RFC 2046 §5.1.1), and random bytes make sure. */
    private static String newBoundary() {
        byte[] bytes = new byte[16];
        BOUNDARY_RANDOM.nextBytes(bytes);
        return "picspace-" + HexFormat.of().formatHex(bytes);
    }

    /** Header fields of a 200 or single-part 206. */
    private static void putRepresentationHeaders(HttpFields.Mutable headers, Representation rep) {
        headers.put(preEncoded(CONTENT_TYPES, HttpHeader.CONTENT_TYPE, rep.contentType()));
        // never let a browser second-guess the type: the bytes decided it (design: Limits)
        headers.put(NOSNIFF);
        putValidators(headers, rep);
        headers.put(ACCEPT_RANGES);
    }

    /** ETag, Last-Modified and Cache-Control: what a 200, a 206 and a 304 all carry (§15.4.5). */
    private static void putValidators(HttpFields.Mutable headers, Representation rep) {
        headers.put(etagField(rep.etag()));
        // IMF-fixdate, whole seconds (§5.6.7, §8.8.2)
        if (rep.lastModified() != null) headers.put(lastModifiedField(rep.lastModified().getEpochSecond()));
        if (rep.cacheControl() != null) headers.put(preEncoded(CACHE_CONTROLS, HttpHeader.CACHE_CONTROL, rep.cacheControl()));
    }

    // The same few header values repeat on every response. Encoding each once (PreEncodedHttpField)
    // spares the formatting, the string building and the generator's per-character work: measurable
    // at tens of thousands of small responses a second. All these caches are bounded and lock-free;
    // a race only means a field is built twice.
    private static final ConcurrentHashMap<String, HttpField> CONTENT_TYPES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, HttpField> CACHE_CONTROLS = new ConcurrentHashMap<>();
    private static final int MAX_PRE_ENCODED_VALUES = 64;

    private static HttpField preEncoded(ConcurrentHashMap<String, HttpField> cache, HttpHeader header, String value) {
        HttpField field = cache.get(value);
        if (field != null) return field;
        field = new PreEncodedHttpField(header, value);
        if (cache.size() < MAX_PRE_ENCODED_VALUES) cache.putIfAbsent(value, field);
        return field;
    }

    /** A direct-mapped cache slot: the last field built for a key that hashed here. */
    private record EtagSlot(String etag, HttpField field) {}

    private record DateSlot(long second, HttpField field) {}

    private static final int SLOTS = 1024; // a power of two
    private static final EtagSlot[] ETAG_SLOTS = new EtagSlot[SLOTS];
    private static final DateSlot[] DATE_SLOTS = new DateSlot[SLOTS];

    private static HttpField etagField(String etag) {
        int index = etag.hashCode() & (SLOTS - 1);
        EtagSlot slot = ETAG_SLOTS[index];
        if (slot != null && slot.etag().equals(etag)) return slot.field();
        HttpField field = new PreEncodedHttpField(HttpHeader.ETAG, '"' + etag + '"');
        ETAG_SLOTS[index] = new EtagSlot(etag, field); // a racy publish of an immutable record is safe
        return field;
    }

    private static HttpField lastModifiedField(long epochSecond) {
        int index = Long.hashCode(epochSecond) & (SLOTS - 1);
        DateSlot slot = DATE_SLOTS[index];
        if (slot != null && slot.second() == epochSecond) return slot.field();
        HttpField field = new PreEncodedHttpField(HttpHeader.LAST_MODIFIED, DateGenerator.formatDate(epochSecond * 1000));
        DATE_SLOTS[index] = new DateSlot(epochSecond, field);
        return field;
    }

    /** An HTTP-date in any of the three forms a recipient must accept (§5.6.7), in epoch seconds; MIN_VALUE if invalid. */
    private static long parseDateSeconds(String value) {
        long millis;
        try {
            millis = HttpDateTime.parseToEpoch(value);
        } catch (RuntimeException malformed) {
            return Long.MIN_VALUE;
        }
        return millis == -1 ? Long.MIN_VALUE : Math.floorDiv(millis, 1000);
    }

    /**
     * A tiny text/plain answer (errors, 412, 416): no stack trace, no HTML, not cached. HEAD gets the
     * same header fields and no body.
     */
    static void sendText(Request request, Response response, Callback callback, int status, String message) {
        byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(TEXT_PLAIN);
        headers.put(NOSNIFF);
        headers.put(NO_STORE);
        headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.setStatus(status);
        if (HttpMethod.HEAD.is(request.getMethod())) callback.succeeded();
        else response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** The request fields §13 and §14 look at, gathered in one pass over the headers. */
    private static final class Preconditions {
        String ifMatch;
        String ifNoneMatch;
        String ifModifiedSince;
        String ifUnmodifiedSince;
        String ifRange;
        boolean ifRangeRepeated;
        String range;
        boolean rangeRepeated;
        private boolean ifModifiedSinceRepeated;
        private boolean ifUnmodifiedSinceRepeated;

        /** Shared by every request without conditional or range fields (the common case): never written. */
        static final Preconditions NONE = new Preconditions();

        static Preconditions read(HttpFields fields) {
            Preconditions p = NONE;
            for (HttpField field : fields) {
                HttpHeader header = field.getHeader();
                if (header == null) continue;
                switch (header) {
                    case IF_MATCH, IF_NONE_MATCH, IF_MODIFIED_SINCE, IF_UNMODIFIED_SINCE, IF_RANGE, RANGE -> {
                        if (p == NONE) p = new Preconditions();
                    }
                    default -> {
                        continue;
                    }
                }
                switch (header) {
                    // list fields: several lines are one list (§5.3)
                    case IF_MATCH -> p.ifMatch = p.ifMatch == null ? field.getValue() : p.ifMatch + "," + field.getValue();
                    case IF_NONE_MATCH -> p.ifNoneMatch = p.ifNoneMatch == null ? field.getValue() : p.ifNoneMatch + "," + field.getValue();
                    // singleton fields: a repeated one is invalid and ignored
                    case IF_MODIFIED_SINCE -> {
                        p.ifModifiedSinceRepeated = p.ifModifiedSince != null;
                        p.ifModifiedSince = field.getValue();
                    }
                    case IF_UNMODIFIED_SINCE -> {
                        p.ifUnmodifiedSinceRepeated = p.ifUnmodifiedSince != null;
                        p.ifUnmodifiedSince = field.getValue();
                    }
                    case IF_RANGE -> {
                        p.ifRangeRepeated = p.ifRange != null;
                        p.ifRange = field.getValue();
                    }
                    case RANGE -> {
                        p.rangeRepeated = p.range != null;
                        p.range = field.getValue();
                    }
                    default -> { }
                }
            }
            if (p == NONE) return p;
            if (p.ifModifiedSinceRepeated) p.ifModifiedSince = null;
            if (p.ifUnmodifiedSinceRepeated) p.ifUnmodifiedSince = null;
            return p;
        }
    }
}
