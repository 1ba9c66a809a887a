package dev.picspace.gateway.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ContentResponder over real HTTP: a Jetty server serves temp files through Representations, in
 * every body mode the responder has (cached buffer or mapping, plain file, plain stream).
 */
class ContentResponderTest {

    /** How the test handler hands the bytes over; each takes a different path through the responder. */
    enum Mode {
        /** Body.file() present, with a ContentCache: cached direct buffer (small) or mapping (large). */
        FILE_CACHED,
        /** Body.file() present, no cache: PathContentSource for full bodies, streams for ranges. */
        FILE,
        /** Only Body.open(): BodyWriter streams through pooled buffers. */
        STREAM,
        /** Only Body.open(), with a cache: small bodies are read once and kept. */
        STREAM_CACHED,
        /**
         * Body.file() and a cache, answered with respondWithoutBlocking first (as on a selector thread),
         * falling back to respond (marked X-Blocked) when that needs I/O.
         */
        INLINE_CACHED
    }

    static final int SMALL = 20 * 1024;
    static final int LARGE = 2 * 1024 * 1024;
    static final Instant MODIFIED = Instant.parse("2024-05-06T07:08:09.500Z");
    static final String LAST_MODIFIED = "Mon, 06 May 2024 07:08:09 GMT";
    static final String CACHE_CONTROL = "public, max-age=300";

    @TempDir
    static Path dir;
    static ServeTestSupport http;
    static byte[] small;
    static byte[] large;
    static String smallTag;
    static String largeTag;
    static final AtomicInteger opens = new AtomicInteger();
    static final Map<String, Path> files = new ConcurrentHashMap<>();
    static final Map<String, Long> lengths = new ConcurrentHashMap<>();
    static final Map<String, String> tags = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        small = ServeTestSupport.randomBytes(SMALL, 1);
        large = ServeTestSupport.randomBytes(LARGE, 2);
        smallTag = sha256(small);
        largeTag = sha256(large);
        add("small", small, smallTag, small.length);
        add("large", large, largeTag, large.length);
        add("tiny", "0123456789".getBytes(StandardCharsets.US_ASCII), "tiny-tag", 10);
        add("large-once", large, "large-once-tag", large.length); // used by one test only
        add("empty", new byte[0], "empty-tag", 0);
        // metadata says 10 bytes more than the blob holds
        add("short", small, "short-tag", small.length + 10);
        add("largeshort", large, "largeshort-tag", large.length + 10);
        // a blob the store cannot open
        files.put("broken", dir.resolve("does-not-exist"));
        lengths.put("broken", 1000L);
        tags.put("broken", "broken-tag");
        http = new ServeTestSupport(new RepresentationHandler(), null);
    }

    private static void add(String name, byte[] bytes, String tag, long length) throws IOException {
        files.put(name, ServeTestSupport.writeFile(dir, name, bytes));
        lengths.put(name, length);
        tags.put(name, tag);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
    }

    /** Serves {@code /<mode>/<name>}. */
    static final class RepresentationHandler extends Handler.Abstract {
        private final Map<Mode, ContentCache> caches = Map.of(
                Mode.FILE_CACHED, new ContentCache(), Mode.STREAM_CACHED, new ContentCache(),
                Mode.INLINE_CACHED, new ContentCache());

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String[] segments = request.getHttpURI().getPath().split("/");
            Mode mode = Mode.valueOf(segments[1].toUpperCase());
            String name = segments[2];
            Path file = files.get(name);
            boolean withFile = mode == Mode.FILE || mode == Mode.FILE_CACHED || mode == Mode.INLINE_CACHED;
            ContentResponder.Body body = new ContentResponder.Body() {
                @Override
                public InputStream open(long offset, long length) throws IOException {
                    opens.incrementAndGet();
                    if (name.equals("broken")) throw new FileNotFoundException("blob gone: /secret/path/" + name);
                    InputStream in = Files.newInputStream(file);
                    in.skipNBytes(offset);
                    return new BoundedInputStream(in, length);
                }

                @Override
                public Optional<Path> file() {
                    return withFile ? Optional.of(file) : Optional.empty();
                }
            };
            ContentResponder.Representation rep = new ContentResponder.Representation(
                    tags.get(name), lengths.get(name), MODIFIED, "image/jpeg", CACHE_CONTROL, body);
            if (mode == Mode.INLINE_CACHED) {
                if (ContentResponder.respondWithoutBlocking(request, response, callback, rep, caches.get(mode))) return true;
                response.getHeaders().put("X-Blocked", "yes");
            }
            ContentResponder.respond(request, response, callback, rep, caches.get(mode));
            return true;
        }
    }

    /** What a blob store's open(key, offset, length) returns: at most {@code length} bytes. */
    static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static String path(Mode mode, String name) {
        return "/" + mode.name().toLowerCase() + "/" + name;
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    // ---- 200 and HEAD ----

    @ParameterizedTest
    @EnumSource(Mode.class)
    void getSendsTheBytesWithEveryRepresentationHeader(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "small"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
        assertThat(header(r, "Content-Type")).isEqualTo("image/jpeg");
        assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(r, "ETag")).isEqualTo('"' + smallTag + '"');
        assertThat(header(r, "Last-Modified")).isEqualTo(LAST_MODIFIED);
        assertThat(header(r, "Cache-Control")).isEqualTo(CACHE_CONTROL);
        assertThat(header(r, "Accept-Ranges")).isEqualTo("bytes");
        assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(SMALL));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void headSendsTheSameHeadersAndNoBody(Mode mode) throws Exception {
        HttpResponse<byte[]> get = http.get(path(mode, "small"));
        HttpResponse<byte[]> head = http.send("HEAD", path(mode, "small"));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        for (String name : List.of("Content-Type", "X-Content-Type-Options", "ETag", "Last-Modified",
                "Cache-Control", "Accept-Ranges", "Content-Length")) {
            assertThat(header(head, name)).as(name).isEqualTo(header(get, name));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void twoMegabytesArriveByteExactAndAgainFromTheCache(Mode mode) throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = http.get(path(mode, "large"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(LARGE));
            assertThat(Arrays.equals(r.body(), large)).as("2 MB body identical").isTrue();
        }
    }

    @Test
    void aCachedSmallBodyIsNotReadAgain() throws Exception {
        http.get(path(Mode.STREAM_CACHED, "tiny"));
        int before = opens.get();
        HttpResponse<byte[]> r = http.get(path(Mode.STREAM_CACHED, "tiny"));
        assertThat(r.body()).isEqualTo("0123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(opens.get()).isEqualTo(before);
    }

    @Test
    void withoutBlockingOnlyWhatNeedsNoIoIsAnswered() throws Exception {
        String small = path(Mode.INLINE_CACHED, "tiny");
        // no bytes needed: answered inline even before anything is cached
        assertThat(header(http.get(small, "If-None-Match", "\"tiny-tag\""), "X-Blocked")).isNull();
        assertThat(header(http.send("HEAD", small), "X-Blocked")).isNull();
        assertThat(header(http.send("POST", small), "X-Blocked")).isNull();
        assertThat(header(http.get(small, "Range", "bytes=100-"), "X-Blocked")).isNull(); // 416
        // bytes needed: the first time they must be read, after that they are in memory
        HttpResponse<byte[]> first = http.get(small);
        HttpResponse<byte[]> second = http.get(small);
        assertThat(header(first, "X-Blocked")).isEqualTo("yes");
        assertThat(header(second, "X-Blocked")).isNull();
        assertThat(second.body()).isEqualTo(first.body());
        // a large file: mapped on the first request, served from the mapping after
        String large = path(Mode.INLINE_CACHED, "large-once");
        assertThat(header(http.get(large), "X-Blocked")).isEqualTo("yes");
        HttpResponse<byte[]> mapped = http.get(large, "Range", "bytes=5-9,-5");
        assertThat(header(mapped, "X-Blocked")).isNull();
        assertThat(mapped.statusCode()).isEqualTo(206);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anEmptyRepresentationIsAnEmpty200(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "empty"), "Range", "bytes=0-10");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(header(r, "Content-Length")).isEqualTo("0");
    }

    // ---- 304 ----

    @ParameterizedTest
    @ValueSource(strings = {"EXACT", "\"nope\", EXACT", "W/EXACT", "*", "\"a\",,  W/EXACT ,\"b\""})
    void ifNoneMatchThatMatchesIs304WithValidatorsAndNoBody(String value) throws Exception {
        String ifNoneMatch = value.replace("EXACT", '"' + smallTag + '"');
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "If-None-Match", ifNoneMatch);
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(header(r, "ETag")).isEqualTo('"' + smallTag + '"');
        assertThat(header(r, "Last-Modified")).isEqualTo(LAST_MODIFIED);
        assertThat(header(r, "Cache-Control")).isEqualTo(CACHE_CONTROL);
        // RFC 9110 §8.6: a 304's Content-Length, if sent, is the length a 200 would have had
        assertThat(header(r, "Content-Length")).isIn(null, String.valueOf(SMALL));
        assertThat(header(r, "Content-Type")).isNull();
    }

    @Test
    void ifNoneMatchSplitOverTwoFieldLinesIsOneList() throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE, "small"),
                "If-None-Match", "\"other\"", "If-None-Match", '"' + smallTag + '"');
        assertThat(r.statusCode()).isEqualTo(304);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"other\"", "W/\"other\"", "\"PREFIX\"", "PLAIN", "\"unterminated"})
    void ifNoneMatchThatDoesNotMatchIs200(String value) throws Exception {
        String ifNoneMatch = value.replace("PREFIX", smallTag.substring(0, 10)).replace("PLAIN", smallTag);
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "If-None-Match", ifNoneMatch);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
    }

    @Test
    void headWithAMatchingIfNoneMatchIs304() throws Exception {
        HttpResponse<byte[]> r = http.send("HEAD", path(Mode.FILE, "small"), "If-None-Match", '"' + smallTag + '"');
        assertThat(r.statusCode()).isEqualTo(304);
    }

    @ParameterizedTest
    @ValueSource(strings = {LAST_MODIFIED, "Mon, 06 May 2024 07:08:10 GMT", "Monday, 06-May-24 07:08:09 GMT",
            "Mon May  6 07:08:09 2024"})
    void ifModifiedSinceAtOrAfterLastModifiedIs304(String date) throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "If-Modified-Since", date);
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(header(r, "ETag")).isEqualTo('"' + smallTag + '"');
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mon, 06 May 2024 07:08:08 GMT", "not a date", "Fri, 01 Jan 9999 00:00:00 GMT"})
    void ifModifiedSinceEarlierInvalidOrInTheFutureIs200(String date) throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "If-Modified-Since", date);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() throws Exception {
        // RFC 9110 §13.1.3: If-None-Match takes precedence, even though the date alone would say 304
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"),
                "If-None-Match", "\"other\"", "If-Modified-Since", LAST_MODIFIED);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
    }

    // ---- 412 ----

    @ParameterizedTest
    @ValueSource(strings = {"\"other\"", "W/EXACT", "\"a\", \"b\""})
    void ifMatchThatDoesNotMatchStronglyIs412(String value) throws Exception {
        String ifMatch = value.replace("EXACT", '"' + smallTag + '"');
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "If-Match", ifMatch);
        assertThat(r.statusCode()).isEqualTo(412);
        assertThat(header(r, "Content-Type")).startsWith("text/plain");
        assertThat(r.body().length).isLessThan(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXACT", "*", "\"a\", EXACT"})
    void ifMatchThatMatchesIs200(String value) throws Exception {
        String ifMatch = value.replace("EXACT", '"' + smallTag + '"');
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "If-Match", ifMatch);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
    }

    @Test
    void ifUnmodifiedSinceBeforeLastModifiedIs412AndAtItIs200() throws Exception {
        assertThat(http.get(path(Mode.FILE, "small"), "If-Unmodified-Since", "Mon, 06 May 2024 07:08:08 GMT").statusCode())
                .isEqualTo(412);
        assertThat(http.get(path(Mode.FILE, "small"), "If-Unmodified-Since", LAST_MODIFIED).statusCode())
                .isEqualTo(200);
    }

    @Test
    void ifUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent() throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE, "small"),
                "If-Match", '"' + smallTag + '"', "If-Unmodified-Since", "Mon, 06 May 2024 07:08:08 GMT");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void ifMatchIsEvaluatedBeforeIfNoneMatch() throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE, "small"),
                "If-Match", "\"other\"", "If-None-Match", '"' + smallTag + '"');
        assertThat(r.statusCode()).isEqualTo(412);
    }

    // ---- ranges ----

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSingleRangeIs206WithContentRange(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "small"), "Range", "bytes=100-199");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 100-199/" + SMALL);
        assertThat(header(r, "Content-Length")).isEqualTo("100");
        assertThat(header(r, "Content-Type")).isEqualTo("image/jpeg");
        assertThat(header(r, "ETag")).isEqualTo('"' + smallTag + '"');
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(small, 100, 200));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSuffixRangeIsTheLastBytes(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "small"), "Range", "bytes=-500");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes " + (SMALL - 500) + "-" + (SMALL - 1) + "/" + SMALL);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(small, SMALL - 500, SMALL));
    }

    @Test
    void aSuffixLongerThanTheRepresentationIsAllOfIt() throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE, "tiny"), "Range", "bytes=-500");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 0-9/10");
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("0123456789");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anOpenRangeRunsToTheEnd(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "small"), "Range", "bytes=20000-");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 20000-" + (SMALL - 1) + "/" + SMALL);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(small, 20000, SMALL));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRangePastTheEndIsClipped(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "small"), "Range", "bytes=20000-99999999999999999999999");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 20000-" + (SMALL - 1) + "/" + SMALL);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(small, 20000, SMALL));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRangeInsideTwoMegabytes(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "large"), "Range", "bytes=1000000-1099999");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 1000000-1099999/" + LARGE);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(large, 1_000_000, 1_100_000));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void multipleRangesAreMultipartByteranges(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "small"), "Range", "bytes=0-99, 1000-1999,-300");
        assertThat(r.statusCode()).isEqualTo(206);
        String type = header(r, "Content-Type");
        assertThat(type).startsWith("multipart/byteranges; boundary=");
        assertThat(header(r, "Content-Range")).isNull();
        assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(r.body().length));
        List<ServeTestSupport.Part> parts = ServeTestSupport.parseMultipart(type, r.body());
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).contentRange()).isEqualTo("bytes 0-99/" + SMALL);
        assertThat(parts.get(0).bytes()).isEqualTo(Arrays.copyOfRange(small, 0, 100));
        assertThat(parts.get(1).contentRange()).isEqualTo("bytes 1000-1999/" + SMALL);
        assertThat(parts.get(1).bytes()).isEqualTo(Arrays.copyOfRange(small, 1000, 2000));
        assertThat(parts.get(2).contentRange()).isEqualTo("bytes " + (SMALL - 300) + "-" + (SMALL - 1) + "/" + SMALL);
        assertThat(parts.get(2).bytes()).isEqualTo(Arrays.copyOfRange(small, SMALL - 300, SMALL));
        assertThat(parts).allSatisfy(p -> assertThat(p.contentType()).isEqualTo("image/jpeg"));
    }

    @Test
    void eachMultipartResponseHasItsOwnBoundary() throws Exception {
        String a = header(http.get(path(Mode.FILE, "small"), "Range", "bytes=0-9,500-509"), "Content-Type");
        String b = header(http.get(path(Mode.FILE, "small"), "Range", "bytes=0-9,500-509"), "Content-Type");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void multipleRangesOfTwoMegabytesFromMappedAndStreamedBodies() throws Exception {
        for (Mode mode : Mode.values()) {
            HttpResponse<byte[]> r = http.get(path(mode, "large"), "Range", "bytes=-100000,0-99999,1000000-1199999");
            List<ServeTestSupport.Part> parts = ServeTestSupport.parseMultipart(header(r, "Content-Type"), r.body());
            // sorted by position: RFC 9110 §14.2 lets a server reorder when it coalesces
            assertThat(parts).extracting(ServeTestSupport.Part::contentRange).containsExactly(
                    "bytes 0-99999/" + LARGE, "bytes 1000000-1199999/" + LARGE,
                    "bytes " + (LARGE - 100000) + "-" + (LARGE - 1) + "/" + LARGE);
            assertThat(parts.get(1).bytes()).isEqualTo(Arrays.copyOfRange(large, 1_000_000, 1_200_000));
            assertThat(parts.get(2).bytes()).isEqualTo(Arrays.copyOfRange(large, LARGE - 100000, LARGE));
        }
    }

    @Test
    void overlappingRangesAreCoalescedSoNoByteIsSentTwice() throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "Range", "bytes=0-999,500-1499,1000-1999,0-1999");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 0-1999/" + SMALL);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(small, 0, 2000));
    }

    @Test
    void tooManyRangesGetTheWholeRepresentation() throws Exception {
        StringBuilder ranges = new StringBuilder("bytes=");
        for (int i = 0; i < 17; i++) ranges.append(i == 0 ? "" : ",").append(i * 1000).append('-').append(i * 1000 + 9);
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "Range", ranges.toString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=20480-", "bytes=30000-40000", "bytes=-0", "bytes=20480-20500, 99999-"})
    void anUnsatisfiableRangeIs416WithTheLength(String range) throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "Range", range);
        assertThat(r.statusCode()).isEqualTo(416);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes */" + SMALL);
        assertThat(header(r, "Content-Type")).startsWith("text/plain");
        assertThat(r.body().length).isLessThan(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=abc", "bytes=5-3", "items=0-5", "bytes=0-5,x", "bytes=", "bytes=-", "bytes 0-5",
            "bytes=1-2-3", "bytes=+1-5", "bytes=0x10-20"})
    void anInvalidRangeIsIgnored(String range) throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"), "Range", range);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
    }

    @Test
    void theRangeUnitIsCaseInsensitive() throws Exception {
        assertThat(http.get(path(Mode.FILE, "small"), "Range", "Bytes=0-9").statusCode()).isEqualTo(206);
    }

    @Test
    void headIgnoresRange() throws Exception {
        HttpResponse<byte[]> r = http.send("HEAD", path(Mode.FILE_CACHED, "small"), "Range", "bytes=0-9");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(SMALL));
        assertThat(header(r, "Content-Range")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXACT", LAST_MODIFIED})
    void ifRangeThatMatchesAllowsTheRange(String value) throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"),
                "Range", "bytes=0-9", "If-Range", value.replace("EXACT", '"' + smallTag + '"'));
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(small, 0, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"other\"", "W/EXACT", "Mon, 06 May 2024 07:08:10 GMT", "garbage"})
    void ifRangeThatDoesNotMatchSendsEverything(String value) throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"),
                "Range", "bytes=0-9", "If-Range", value.replace("EXACT", '"' + smallTag + '"'));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(small);
    }

    @Test
    void ifNoneMatchWinsOverRange() throws Exception {
        HttpResponse<byte[]> r = http.get(path(Mode.FILE_CACHED, "small"),
                "Range", "bytes=0-9", "If-None-Match", '"' + smallTag + '"');
        assertThat(r.statusCode()).isEqualTo(304);
    }

    // ---- methods ----

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void otherMethodsAre405WithAllow(String method) throws Exception {
        HttpResponse<byte[]> r = http.send(method, path(Mode.FILE_CACHED, "small"));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(header(r, "Allow")).isEqualTo("GET, HEAD");
        assertThat(header(r, "Content-Type")).startsWith("text/plain");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("Method Not Allowed\n");
    }

    // ---- failures ----

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anUnreadableBlobIsAShort500WithoutDetails(Mode mode) throws Exception {
        HttpResponse<byte[]> r = http.get(path(mode, "broken"));
        assertThat(r.statusCode()).isEqualTo(500);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("Internal Server Error\n");
        assertThat(header(r, "ETag")).isNull();
        // and the same for a range of it
        assertThat(http.get(path(mode, "broken"), "Range", "bytes=0-9").statusCode()).isEqualTo(500);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"FILE_CACHED", "FILE", "STREAM_CACHED", "INLINE_CACHED"})
    void aBlobShorterThanItsMetadataIsA500(Mode mode) throws Exception {
        // the size is checked (file size, or the whole body read into the cache) before anything is sent
        assertThat(http.get(path(mode, "short")).statusCode()).isEqualTo(500);
        if (mode != Mode.STREAM_CACHED) assertThat(http.get(path(mode, "largeshort")).statusCode()).isEqualTo(500);
    }

    @Test
    void aStreamThatEndsEarlyAbortsTheResponseInsteadOfPretending() {
        // streamed without a size check: the headers are gone when the stream runs dry, so the
        // connection is cut and the client sees a truncated body, never a complete-looking one
        assertThatThrownBy(() -> http.get(path(Mode.STREAM, "largeshort"))).isInstanceOf(IOException.class);
    }
}
