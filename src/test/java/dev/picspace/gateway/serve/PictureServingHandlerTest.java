package dev.picspace.gateway.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.picspace.domain.Exceptions;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.gateway.serve.PictureServingHandler.RecentPictures;

/**
 * The handler's own rules (URL shape, which pictures are servable, signatures, store failures)
 * over real HTTP. Per the brief there are no fake stores: a test-only subclass answers the three
 * lookups from maps; the real stores are wired in by the main developer's tests.
 */
class PictureServingHandlerTest {

    static final long OPEN_TENANT = 1;
    static final long SIGNED_TENANT = 2;
    static final long ORPHAN_TENANT = 3;
    static final Instant MODIFIED = Instant.parse("2025-01-02T03:04:05Z");

    static final String JPEG_TOKEN = "00000000000000000001";
    static final String PNG_TOKEN = "00000000000000000002";
    static final String RECYCLED_TOKEN = "00000000000000000003";
    static final String UPLOADING_TOKEN = "00000000000000000004";
    static final String FAILED_TOKEN = "00000000000000000005";
    static final String SIGNED_TOKEN = "00000000000000000006";
    static final String ORPHAN_TOKEN = "00000000000000000007";
    static final String MISSING_BLOB_TOKEN = "00000000000000000008";
    static final String STORE_DOWN_TOKEN = "00000000000000000009";
    static final String UNKNOWN_TOKEN = "abcdefabcdefabcdef00";

    @TempDir
    static Path dir;
    static byte[] jpegBytes;
    static byte[] pngBytes;
    static Fixture open;
    static Fixture openUnsafe;
    static Fixture verifying;
    static ServeTestSupport http;
    static ServeTestSupport unsafeUris;
    static ServeTestSupport withVerifier;

    /** Answers the lookups from maps and counts them, so tests can tell whether a store was touched. */
    static final class Fixture extends PictureServingHandler {
        final Map<String, Picture> pictures = new ConcurrentHashMap<>();
        final Map<Long, Tenant> tenants = new ConcurrentHashMap<>();
        final Map<String, Path> blobs = new ConcurrentHashMap<>();
        final AtomicInteger lookups = new AtomicInteger();

        Fixture(UrlSignatureVerifier verifier) {
            this(verifier, Duration.ofMillis(DEFAULT_LOOKUP_TTL_MILLIS));
        }

        Fixture(UrlSignatureVerifier verifier, Duration lookupTtl) {
            super(verifier, new ContentCache(), lookupTtl);
        }

        @Override
        Optional<Picture> findPicture(String urlToken) {
            lookups.incrementAndGet();
            if (urlToken.equals(STORE_DOWN_TOKEN)) throw new Exceptions.StorageException("database is locked");
            return Optional.ofNullable(pictures.get(urlToken));
        }

        @Override
        Optional<Tenant> findTenant(long tenantId) {
            lookups.incrementAndGet();
            return Optional.ofNullable(tenants.get(tenantId));
        }

        @Override
        ContentResponder.Body bodyOf(Picture picture) {
            Path file = blobs.getOrDefault(picture.blobKey(), dir.resolve("no-such-blob"));
            return new ContentResponder.Body() {
                @Override
                public InputStream open(long offset, long length) throws IOException {
                    if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
                    InputStream in = Files.newInputStream(file);
                    in.skipNBytes(offset);
                    return new ContentResponderTest.BoundedInputStream(in, length);
                }

                @Override
                public Optional<Path> file() {
                    return Files.exists(file) ? Optional.of(file) : Optional.empty();
                }
            };
        }

        void add(String token, long tenantId, PictureStatus status, ImageFormat format, String blobKey, long size,
                 Instant deletedAt) {
            pictures.put(token, new Picture(token.hashCode(), "0".repeat(32), tenantId, 0, token, "t", "", "", "default",
                    status, format, 10, 10, 1, size, "md5", blobKey, "a." + format.extension(), "client:computer",
                    false, deletedAt, MODIFIED, MODIFIED));
        }
    }

    /** Answers 418 for whatever the picture handler declined, so declining is visible. */
    static final class Fallback extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(HttpStatus.IM_A_TEAPOT_418);
            response.write(true, ByteBuffer.wrap("fallback".getBytes(StandardCharsets.US_ASCII)), callback);
            return true;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        jpegBytes = ServeTestSupport.randomBytes(30_000, 7);
        pngBytes = ServeTestSupport.randomBytes(100_000, 8);
        open = new Fixture(null);
        openUnsafe = new Fixture(null); // a handler belongs to one server
        // a stand-in for VOD Type-A auth: the query must say auth_key=good
        verifying = new Fixture((request, picture) -> {
            Fields query = Request.extractQueryParameters(request);
            if ("boom".equals(query.getValue("auth_key"))) throw new IllegalStateException("verifier bug");
            return "good".equals(query.getValue("auth_key"));
        });
        for (Fixture f : List.of(open, openUnsafe, verifying)) populate(f);
        http = new ServeTestSupport(new Handler.Sequence(open, new Fallback()), null);
        unsafeUris = new ServeTestSupport(new Handler.Sequence(openUnsafe, new Fallback()), UriCompliance.UNSAFE);
        withVerifier = new ServeTestSupport(verifying, null);
    }

    static void populate(Fixture f) throws Exception {
        String jpegKey = ContentResponderTest.sha256(jpegBytes);
        String pngKey = ContentResponderTest.sha256(pngBytes);
        f.blobs.put(jpegKey, ServeTestSupport.writeFile(dir, jpegKey, jpegBytes));
        f.blobs.put(pngKey, ServeTestSupport.writeFile(dir, pngKey, pngBytes));
        f.tenants.put(OPEN_TENANT, tenant(OPEN_TENANT, false));
        f.tenants.put(SIGNED_TENANT, tenant(SIGNED_TENANT, true));
        f.add(JPEG_TOKEN, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, jpegKey, jpegBytes.length, null);
        f.add(PNG_TOKEN, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.PNG, pngKey, pngBytes.length, null);
        f.add(RECYCLED_TOKEN, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, jpegKey, jpegBytes.length, MODIFIED);
        f.add(UPLOADING_TOKEN, OPEN_TENANT, PictureStatus.UPLOADING, ImageFormat.JPEG, null, 0, null);
        f.add(FAILED_TOKEN, OPEN_TENANT, PictureStatus.UPLOAD_FAIL, ImageFormat.JPEG, null, 0, null);
        f.add(SIGNED_TOKEN, SIGNED_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, jpegKey, jpegBytes.length, null);
        f.add(ORPHAN_TOKEN, ORPHAN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, jpegKey, jpegBytes.length, null);
        f.add(MISSING_BLOB_TOKEN, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, "f".repeat(64), 1234, null);
    }

    static Tenant tenant(long id, boolean signedUrls) {
        return new Tenant(id, "nick" + id, 1 << 30, 0, 0, LocalDate.of(2030, 1, 1), null, signedUrls, MODIFIED);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServeTestSupport s : List.of(http, unsafeUris, withVerifier)) s.close();
    }

    @BeforeEach
    void resetCounts() {
        open.lookups.set(0);
        openUnsafe.lookups.set(0);
        verifying.lookups.set(0);
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    // ---- serving ----

    @Test
    void aNormalPictureIsServedWithItsHashAsETag() throws Exception {
        HttpResponse<byte[]> r = http.get("/i/" + JPEG_TOKEN + ".jpg");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(jpegBytes);
        assertThat(header(r, "Content-Type")).isEqualTo("image/jpeg");
        assertThat(header(r, "ETag")).isEqualTo('"' + ContentResponderTest.sha256(jpegBytes) + '"');
        assertThat(header(r, "Last-Modified")).isEqualTo("Thu, 02 Jan 2025 03:04:05 GMT");
        assertThat(header(r, "Cache-Control")).isEqualTo("public, max-age=300");
        assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void theContentTypeIsThePicturesFormat() throws Exception {
        HttpResponse<byte[]> r = http.get("/i/" + PNG_TOKEN + ".png");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Type")).isEqualTo("image/png");
        assertThat(r.body()).isEqualTo(pngBytes);
    }

    @Test
    void jpegIsAlsoServedAtDotJpeg() throws Exception {
        assertThat(http.get("/i/" + JPEG_TOKEN + ".jpeg").statusCode()).isEqualTo(200);
    }

    @Test
    void aQueryStringDoesNotChangeWhatIsServed() throws Exception {
        assertThat(http.get("/i/" + JPEG_TOKEN + ".jpg?x=1&auth_key=whatever").statusCode()).isEqualTo(200);
    }

    @Test
    void conditionalsAndRangesWorkThroughTheHandler() throws Exception {
        String etag = '"' + ContentResponderTest.sha256(jpegBytes) + '"';
        assertThat(http.get("/i/" + JPEG_TOKEN + ".jpg", "If-None-Match", etag).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> range = http.get("/i/" + JPEG_TOKEN + ".jpg", "Range", "bytes=-10");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(jpegBytes, jpegBytes.length - 10, jpegBytes.length));
        assertThat(http.send("HEAD", "/i/" + JPEG_TOKEN + ".jpg").body()).isEmpty();
    }

    @Test
    void otherMethodsOnAPictureAre405() throws Exception {
        HttpResponse<byte[]> r = http.send("DELETE", "/i/" + JPEG_TOKEN + ".jpg");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(header(r, "Allow")).isEqualTo("GET, HEAD");
    }

    // ---- 404 ----

    @Test
    void anUnknownTokenIsAPlain404() throws Exception {
        HttpResponse<byte[]> r = http.get("/i/" + UNKNOWN_TOKEN + ".jpg");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(header(r, "Content-Type")).startsWith("text/plain");
        assertThat(header(r, "Cache-Control")).isEqualTo("no-store");
        assertThat(text(r)).isEqualTo("Not Found\n");
        assertThat(open.lookups.get()).isEqualTo(1); // a well-formed token is looked up
    }

    @Test
    void recycledUploadingAndFailedPicturesAre404() throws Exception {
        for (String token : List.of(RECYCLED_TOKEN, UPLOADING_TOKEN, FAILED_TOKEN)) {
            assertThat(http.get("/i/" + token + ".jpg").statusCode()).as(token).isEqualTo(404);
        }
    }

    @Test
    void theWrongExtensionForThePictureIs404() throws Exception {
        assertThat(http.get("/i/" + PNG_TOKEN + ".jpg").statusCode()).isEqualTo(404);
        assertThat(http.get("/i/" + JPEG_TOKEN + ".png").statusCode()).isEqualTo(404);
        assertThat(http.get("/i/" + PNG_TOKEN + ".jpeg").statusCode()).isEqualTo(404);
    }

    @Test
    void aPictureWhoseTenantIsGoneIs404() throws Exception {
        assertThat(http.get("/i/" + ORPHAN_TOKEN + ".jpg").statusCode()).isEqualTo(404);
    }

    @Test
    void anUnknownPictureIs404WhateverTheMethod() throws Exception {
        assertThat(http.send("POST", "/i/" + UNKNOWN_TOKEN + ".jpg").statusCode()).isEqualTo(404);
        assertThat(http.send("HEAD", "/i/" + UNKNOWN_TOKEN + ".jpg").statusCode()).isEqualTo(404);
    }

    /** Paths that reach handlers at least in UNSAFE compliance mode; the handler must refuse each itself. */
    static final List<String> HOSTILE = List.of(
            "/i/../x", "/i/%2e%2e/x", "/i/abc%2fdef.jpg", "/i/..%2f..%2fetc%2fpasswd", "/i/" + JPEG_TOKEN + "%2ejpg",
            "/i/" + JPEG_TOKEN + ".jpg/extra", "/i/" + JPEG_TOKEN + ".jpg/", "/i//" + JPEG_TOKEN + ".jpg",
            "/i/./" + JPEG_TOKEN + ".jpg", "/i/" + JPEG_TOKEN + ".jpg;jsessionid=1", "/i/" + JPEG_TOKEN + ".JPG",
            "/i/" + JPEG_TOKEN.toUpperCase().replace('0', 'A') + ".jpg", "/i/" + JPEG_TOKEN + "0.jpg",
            "/i/" + JPEG_TOKEN + ".exe", "/i/" + JPEG_TOKEN, "/i/", "/i/%25",
            "/i/" + "a".repeat(8000) + ".jpg", "/i/" + JPEG_TOKEN + "%2f..%2f" + PNG_TOKEN + ".png");

    /** Malformed at the HTTP level (NUL, a lone %, dot segments above the root): Jetty answers 400 in every mode. */
    static final List<String> MALFORMED = List.of(
            "/i/" + JPEG_TOKEN + ".jpg%00", "/i/" + JPEG_TOKEN + "%00.jpg", "/i/%", "/i/%2E%2E/%2e%2e/etc/passwd");

    @Test
    void malformedUrisAreRefusedByJettyBeforeAnyHandler() throws Exception {
        for (String path : MALFORMED) {
            assertThat(unsafeUris.rawStatus("GET", path)).as(path).isEqualTo(400);
            assertThat(http.rawStatus("GET", path)).as(path).isEqualTo(400);
        }
        assertThat(open.lookups.get() + openUnsafe.lookups.get()).isZero();
    }

    @Test
    void hostilePathsAre404WithoutTouchingTheStores() throws Exception {
        // UNSAFE compliance lets every one of them reach the handler, which must refuse them itself
        for (String path : HOSTILE) {
            assertThat(unsafeUris.rawStatus("GET", path)).as(path).isEqualTo(404);
        }
        assertThat(openUnsafe.lookups.get()).isZero();
    }

    @Test
    void withJettysDefaultUriComplianceHostilePathsNeverReachAPicture() throws Exception {
        // Jetty may refuse ambiguous URIs itself (400) before any handler runs; either way no byte and no lookup
        for (String path : HOSTILE) {
            assertThat(http.rawStatus("GET", path)).as(path).isIn(400, 404);
        }
        assertThat(open.lookups.get()).isZero();
    }

    @Test
    void pathsOutsideSlashIAreLeftToTheNextHandler() throws Exception {
        for (String path : List.of("/", "/x", "/i", "/image/" + JPEG_TOKEN + ".jpg", "/I/" + JPEG_TOKEN + ".jpg",
                "/ii/" + JPEG_TOKEN + ".jpg", "/favicon.ico")) {
            HttpResponse<byte[]> r = http.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(418);
        }
        assertThat(open.lookups.get()).isZero();
    }

    // ---- signatures ----

    @Test
    void aSignedUrlTenantWithoutAVerifierIs403() throws Exception {
        HttpResponse<byte[]> r = http.get("/i/" + SIGNED_TOKEN + ".jpg?auth_key=good");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(text(r)).isEqualTo("Forbidden\n");
    }

    @Test
    void theVerifierDecidesForSignedUrlTenants() throws Exception {
        assertThat(withVerifier.get("/i/" + SIGNED_TOKEN + ".jpg?auth_key=good").statusCode()).isEqualTo(200);
        assertThat(withVerifier.get("/i/" + SIGNED_TOKEN + ".jpg?auth_key=bad").statusCode()).isEqualTo(403);
        assertThat(withVerifier.get("/i/" + SIGNED_TOKEN + ".jpg").statusCode()).isEqualTo(403);
        // a verifier that throws refuses, it does not 500
        assertThat(withVerifier.get("/i/" + SIGNED_TOKEN + ".jpg?auth_key=boom").statusCode()).isEqualTo(403);
    }

    @Test
    void theVerifierIsNotAskedForOpenTenants() throws Exception {
        assertThat(withVerifier.get("/i/" + JPEG_TOKEN + ".jpg?auth_key=bad").statusCode()).isEqualTo(200);
    }

    // ---- failures ----

    @Test
    void aStoreFailureIsAShort500() throws Exception {
        HttpResponse<byte[]> r = http.get("/i/" + STORE_DOWN_TOKEN + ".jpg");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(text(r)).isEqualTo("Internal Server Error\n");
    }

    @Test
    void aMissingBlobIsAShort500() throws Exception {
        HttpResponse<byte[]> r = http.get("/i/" + MISSING_BLOB_TOKEN + ".jpg");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(text(r)).isEqualTo("Internal Server Error\n").doesNotContain("Exception").doesNotContain(dir.toString());
    }

    @Test
    void replacingAPictureChangesItsETag() throws Exception {
        String token = "0000000000000000000a";
        String oldKey = ContentResponderTest.sha256(jpegBytes);
        open.add(token, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, oldKey, jpegBytes.length, null);
        String before = header(http.get("/i/" + token + ".jpg"), "ETag");

        byte[] replacement = ServeTestSupport.randomBytes(5000, 99);
        String newKey = ContentResponderTest.sha256(replacement);
        open.blobs.put(newKey, ServeTestSupport.writeFile(dir, newKey, replacement));
        open.add(token, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, newKey, replacement.length, null);
        open.forget(token); // what the replace path on this node does

        HttpResponse<byte[]> after = http.get("/i/" + token + ".jpg", "If-None-Match", before);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo(replacement);
        assertThat(header(after, "ETag")).isEqualTo('"' + newKey + '"').isNotEqualTo(before);
    }

    // ---- the lookup cache and the non-blocking path ----

    @Test
    void aServablePictureIsLookedUpOnceWithinTheTtl() throws Exception {
        String token = "0000000000000000000b";
        open.add(token, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.PNG, ContentResponderTest.sha256(pngBytes),
                pngBytes.length, null);
        for (int i = 0; i < 5; i++) assertThat(http.get("/i/" + token + ".png").body()).isEqualTo(pngBytes);
        assertThat(open.lookups.get()).isEqualTo(2); // one picture lookup, one tenant lookup
        // the wrong extension is still a 404 from the cached entry, without a lookup
        assertThat(http.get("/i/" + token + ".jpg").statusCode()).isEqualTo(404);
        assertThat(open.lookups.get()).isEqualTo(2);
    }

    @Test
    void forgetEndsTheTtlAtOnce() throws Exception {
        String token = "0000000000000000000c";
        open.add(token, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, ContentResponderTest.sha256(jpegBytes),
                jpegBytes.length, null);
        assertThat(http.get("/i/" + token + ".jpg").statusCode()).isEqualTo(200);
        open.add(token, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG, ContentResponderTest.sha256(jpegBytes),
                jpegBytes.length, MODIFIED); // recycled
        assertThat(http.get("/i/" + token + ".jpg").statusCode()).as("within the TTL").isEqualTo(200);
        open.forget(token);
        assertThat(http.get("/i/" + token + ".jpg").statusCode()).isEqualTo(404);
    }

    @Test
    void aZeroTtlLooksUpEveryRequest() throws Exception {
        Fixture uncached = new Fixture(null, Duration.ZERO);
        populate(uncached);
        try (ServeTestSupport server = new ServeTestSupport(uncached, null)) {
            for (int i = 0; i < 3; i++) assertThat(server.get("/i/" + JPEG_TOKEN + ".jpg").statusCode()).isEqualTo(200);
            assertThat(uncached.lookups.get()).isEqualTo(6);
            uncached.add(JPEG_TOKEN, OPEN_TENANT, PictureStatus.NORMAL, ImageFormat.JPEG,
                    ContentResponderTest.sha256(jpegBytes), jpegBytes.length, MODIFIED);
            assertThat(server.get("/i/" + JPEG_TOKEN + ".jpg").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theTtlExpires() throws Exception {
        Fixture shortLived = new Fixture(null, Duration.ofMillis(50));
        populate(shortLived);
        try (ServeTestSupport server = new ServeTestSupport(shortLived, null)) {
            assertThat(server.get("/i/" + JPEG_TOKEN + ".jpg").statusCode()).isEqualTo(200);
            shortLived.pictures.remove(JPEG_TOKEN);
            Thread.sleep(100);
            assertThat(server.get("/i/" + JPEG_TOKEN + ".jpg").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void unservableAndUnknownPicturesAreNeverRemembered() throws Exception {
        for (int i = 0; i < 3; i++) {
            http.get("/i/" + RECYCLED_TOKEN + ".jpg");
            http.get("/i/" + UNKNOWN_TOKEN + ".jpg");
        }
        assertThat(open.lookups.get()).isEqualTo(6);
    }

    @Test
    void signedUrlPicturesAreVerifiedOnEveryRequest() throws Exception {
        assertThat(withVerifier.get("/i/" + SIGNED_TOKEN + ".jpg?auth_key=good").statusCode()).isEqualTo(200);
        assertThat(withVerifier.get("/i/" + SIGNED_TOKEN + ".jpg?auth_key=bad").statusCode()).isEqualTo(403);
        assertThat(withVerifier.get("/i/" + SIGNED_TOKEN + ".jpg").statusCode()).isEqualTo(403);
    }

    @Test
    void theRecentPicturesMapStaysBounded() {
        RecentPictures recent = new RecentPictures(Duration.ofHours(1).toNanos(), 100);
        Picture picture = open.pictures.get(JPEG_TOKEN);
        ContentResponder.Representation rep = new ContentResponder.Representation("x", 1, null, "image/jpeg", null,
                (offset, length) -> InputStream.nullInputStream());
        for (int i = 0; i < 10_000; i++) {
            recent.put(String.format("%020x", i), picture, rep);
            assertThat(recent.size()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void aLookupThatRacedWithAChangeIsNotRemembered() {
        RecentPictures recent = new RecentPictures(Duration.ofHours(1).toNanos(), 100);
        Picture picture = open.pictures.get(JPEG_TOKEN);
        ContentResponder.Representation rep = new ContentResponder.Representation("x", 1, null, "image/jpeg", null,
                (offset, length) -> InputStream.nullInputStream());
        long before = recent.epoch();
        recent.put(JPEG_TOKEN, picture, "", rep, before);
        assertThat(recent.get(JPEG_TOKEN).representation()).isSameAs(rep);
        recent.put(JPEG_TOKEN, picture, "_90x90.jpg", rep, before);
        assertThat(recent.get(JPEG_TOKEN).representation("_90x90.jpg")).isSameAs(rep);

        // a replace (forget) lands while a lookup that began before it is still working…
        long lookupStarted = recent.epoch();
        recent.remove(JPEG_TOKEN);
        recent.put(JPEG_TOKEN, picture, "", rep, lookupStarted);
        // …so what that lookup found is not kept
        assertThat(recent.get(JPEG_TOKEN)).isNull();
        recent.put(JPEG_TOKEN, picture, "", rep, recent.epoch());
        assertThat(recent.get(JPEG_TOKEN)).isNotNull();
    }

    @Test
    void aPictureKeepsABoundedNumberOfRememberedVariants() {
        RecentPictures recent = new RecentPictures(Duration.ofHours(1).toNanos(), 100);
        Picture picture = open.pictures.get(JPEG_TOKEN);
        ContentResponder.Representation rep = new ContentResponder.Representation("x", 1, null, "image/jpeg", null,
                (offset, length) -> InputStream.nullInputStream());
        for (int i = 0; i < 100; i++) recent.put(JPEG_TOKEN, picture, "_" + i + "x" + i + ".jpg", rep, recent.epoch());
        int kept = 0;
        for (int i = 0; i < 100; i++) if (recent.get(JPEG_TOKEN).representation("_" + i + "x" + i + ".jpg") != null) kept++;
        assertThat(kept).isEqualTo(RecentPictures.MAX_VARIANTS);
    }

    @Test
    void theHandlerIsNonBlockingAndSoIsATreeWithTheAdapter() throws Exception {
        assertThat(open.getInvocationType()).isEqualTo(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
        Fixture pictures = new Fixture(null);
        populate(pictures);
        Handler.Abstract blockingApi = new Handler.Abstract() { // default: BLOCKING
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!request.getHttpURI().getPath().equals("/api")) return false;
                Thread.sleep(5); // a JDBC call, say
                response.write(true, ByteBuffer.wrap("api".getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        };
        try (ServeTestSupport server = new ServeTestSupport(
                new Handler.Sequence(pictures, new BlockingHandlerAdapter(blockingApi)), null)) {
            assertThat(server.server.getInvocationType())
                    .isEqualTo(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
            assertThat(server.get("/i/" + JPEG_TOKEN + ".jpg").body()).isEqualTo(jpegBytes);
            assertThat(server.get("/i/" + JPEG_TOKEN + ".jpg").body()).isEqualTo(jpegBytes); // inline this time
            assertThat(text(server.get("/api"))).isEqualTo("api");
            assertThat(server.get("/elsewhere").statusCode()).isEqualTo(404);
        }
        // without the adapter, one blocking handler makes the whole tree blocking
        assertThat(new Handler.Sequence(new Fixture(null), blockingApi).getInvocationType())
                .isEqualTo(org.eclipse.jetty.util.thread.Invocable.InvocationType.BLOCKING);
    }
}
