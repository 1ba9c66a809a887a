package dev.picspace.gateway.serve;

import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;

/**
 * Serves picture originals at {@code /i/<token>.<ext>} (see {@link PictureUrl}) from any tenant.
 *
 * <p>Paths outside {@code /i/} are not ours: {@link #handle} returns false so the next handler runs.
 * Inside it, the answer is 404 for anything that is not exactly a picture URL (decided from the raw
 * path, before any store is touched), for unknown tokens, recycled pictures, pictures not yet (or
 * never) uploaded, and for an extension that is not the picture's format. A tenant with signed URLs
 * needs a {@link UrlSignatureVerifier} to accept the request, else 403. The answer is then
 * {@link ContentResponder}'s: conditionals, ranges, HEAD, 405. Every refusal is a plain return, not
 * an exception, so a flood of bad or unknown URLs costs a string check, or one indexed lookup.
 *
 * <p><b>Threading.</b> This handler is {@link Invocable.InvocationType#NON_BLOCKING NON_BLOCKING}, so
 * Jetty calls it on the selector thread without a hand-off. It answers there only what needs no
 * blocking work: malformed URLs, and pictures looked up within the last {@code lookupTtl} whose
 * bytes the {@link ContentCache} holds or maps. Everything else (store lookups, signature checks,
 * file reads) is handed to the server's thread pool. Measured on 2 cores against nginx, 20 KB
 * pictures: about 0.65 of nginx's rate when Jetty dispatched every request, about 0.95 like this.
 * Jetty uses the invocation type of the whole handler tree ({@code Server.getInvocationType()}), so
 * the gain needs every handler in front of or beside this one to be non-blocking too (wrap blocking
 * ones in {@link BlockingHandlerAdapter}), and a connector with one selector per core.
 *
 * <p><b>Staleness.</b> A servable lookup is reused for {@code lookupTtl} (default
 * {@value #DEFAULT_LOOKUP_TTL_MILLIS} ms): a picture deleted, replaced or hidden on another node can
 * be served for that long after, which is far inside the {@code max-age} HTTP caches already have
 * ({@link #CACHE_CONTROL}). Call {@link #forget} after such a change on this node to end it at once.
 * Only servable pictures of tenants without signed URLs are kept; unknown tokens are never cached
 * (so random tokens cannot flood the cache) and signed-URL requests are always verified afresh.
 */
public class PictureServingHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(PictureServingHandler.class);

    /**
     * Not {@code immutable, max-age=31536000}: a picture's URL stays the same when its bytes are
     * replaced (only the ETag changes), and a year-long immutable copy in browsers and the CDN would
     * keep showing the old picture, and a deleted one. Five minutes bounds that staleness; after it,
     * a cache revalidates with {@code If-None-Match} and gets a 304 without a body when nothing
     * changed. {@code public} because these URLs are public by design (the unguessable token is the
     * access control); a CDN in front of signed-URL tenants checks the signature itself (VOD Type-A).
     */
    static final String CACHE_CONTROL = "public, max-age=300";

    public static final long DEFAULT_LOOKUP_TTL_MILLIS = 2000;
    /** About 5 MB of pictures at most; with a 2 s TTL that covers 5,000 distinct pictures a second. */
    static final int MAX_RECENT_PICTURES = 10_000;

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final UrlSignatureVerifier verifier;
    private final ContentCache cache;
    private final RecentPictures recent;

    /** Serves with a default {@link ContentCache} and lookup TTL; signed-URL tenants' pictures are refused (403). */
    public PictureServingHandler(MetadataStore metadata, BlobStore blobs) {
        this(metadata, blobs, null);
    }

    /** @param verifier checks signed URLs; null refuses every signed-URL tenant's pictures */
    public PictureServingHandler(MetadataStore metadata, BlobStore blobs, UrlSignatureVerifier verifier) {
        this(metadata, blobs, verifier, new ContentCache(), Duration.ofMillis(DEFAULT_LOOKUP_TTL_MILLIS));
    }

    /**
     * @param cache     null to read every body from the store (and to dispatch every request)
     * @param lookupTtl how long a servable lookup is reused; zero to look up every request
     */
    public PictureServingHandler(MetadataStore metadata, BlobStore blobs, UrlSignatureVerifier verifier,
                                 ContentCache cache, Duration lookupTtl) {
        this(metadata, blobs, verifier, cache, lookupTtl, true);
    }

    /** For subclasses in tests that answer {@link #findPicture}, {@link #findTenant} and {@link #bodyOf} themselves. */
    PictureServingHandler(UrlSignatureVerifier verifier, ContentCache cache, Duration lookupTtl) {
        this(null, null, verifier, cache, lookupTtl, false);
    }

    private PictureServingHandler(MetadataStore metadata, BlobStore blobs, UrlSignatureVerifier verifier,
                                  ContentCache cache, Duration lookupTtl, boolean storesRequired) {
        super(InvocationType.NON_BLOCKING);
        this.metadata = storesRequired ? Objects.requireNonNull(metadata, "metadata") : metadata;
        this.blobs = storesRequired ? Objects.requireNonNull(blobs, "blobs") : blobs;
        this.verifier = verifier;
        this.cache = cache;
        if (lookupTtl.isNegative()) throw new IllegalArgumentException("negative lookup TTL");
        this.recent = new RecentPictures(lookupTtl.toNanos(), MAX_RECENT_PICTURES);
    }

    /** Forgets what this handler remembers of a picture; call it after deleting, replacing or hiding it. */
    public void forget(String urlToken) {
        recent.remove(urlToken);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // the raw (still percent-encoded) path: PictureUrl refuses every encoding, so nothing a URI
        // decoder might turn into "..", "/" or NUL can reach a lookup
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PictureUrl.PREFIX)) return false;

        PictureUrl url = PictureUrl.parse(path).orElse(null);
        if (url == null) return notFound(request, response, callback);

        // the selector-thread fast path: no store, no disk
        RecentPictures.Entry hit = recent.get(url.token());
        if (hit != null) {
            if (!url.names(hit.picture().format())) return notFound(request, response, callback);
            if (ContentResponder.respondWithoutBlocking(request, response, callback, hit.representation(), cache)) {
                return true;
            }
        }

        try {
            request.getComponents().getThreadPool().execute(() -> {
                try {
                    serveBlocking(request, response, callback, url);
                } catch (Throwable unexpected) {
                    // serveBlocking answers every failure it knows; this is for the ones it does not
                    LOG.warn("serving {} failed: {}", url.token(), String.valueOf(unexpected));
                    callback.failed(unexpected);
                }
            });
        } catch (RejectedExecutionException busy) {
            ContentResponder.sendText(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "Service Unavailable");
        }
        return true;
    }

    /** Lookups, signature check and body: on a pool thread, where blocking is allowed. */
    private void serveBlocking(Request request, Response response, Callback callback, PictureUrl url) {
        Picture picture;
        Tenant tenant;
        try {
            picture = findPicture(url.token()).orElse(null);
            if (picture == null || picture.deleted() || picture.status() != PictureStatus.NORMAL
                    || picture.blobKey() == null || picture.format() == null || !url.names(picture.format())) {
                notFound(request, response, callback);
                return;
            }
            tenant = findTenant(picture.tenantId()).orElse(null);
            if (tenant == null) {
                notFound(request, response, callback);
                return;
            }
        } catch (RuntimeException storeFailure) {
            LOG.warn("picture lookup for {} failed: {}", url.token(), String.valueOf(storeFailure));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            return;
        }

        // HOOK (design: Serving): signed URLs are verified before any byte is read
        if (tenant.signedUrls() && !signatureAccepted(request, picture)) {
            ContentResponder.sendText(request, response, callback, HttpStatus.FORBIDDEN_403, "Forbidden");
            return;
        }

        ContentResponder.Representation representation;
        try {
            representation = new ContentResponder.Representation(
                    picture.blobKey(),          // sha256 of the bytes: a strong ETag that changes on replace
                    picture.sizeBytes(),
                    // the row's modification time: it also moves on metadata edits, which only costs a
                    // needless 200 to a date-only revalidation; it never stays put when the bytes change
                    picture.modified(),
                    picture.format().mediaType(), // decided from the bytes at upload (design: Limits)
                    CACHE_CONTROL,
                    bodyOf(picture));
        } catch (RuntimeException badRow) {
            LOG.warn("picture {} cannot be served: {}", picture.pictureId(), String.valueOf(badRow));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            return;
        }
        // signed-URL pictures are never remembered: each request must show its own signature
        if (!tenant.signedUrls()) recent.put(url.token(), picture, representation);
        ContentResponder.respond(request, response, callback, representation, cache);
    }

    private boolean signatureAccepted(Request request, Picture picture) {
        if (verifier == null) return false; // fail closed: the tenant asked for signatures
        try {
            return verifier.verify(request, picture);
        } catch (RuntimeException e) {
            LOG.warn("URL signature verifier failed for picture {}: {}", picture.pictureId(), String.valueOf(e));
            return false;
        }
    }

    private static boolean notFound(Request request, Response response, Callback callback) {
        ContentResponder.sendText(request, response, callback, HttpStatus.NOT_FOUND_404, "Not Found");
        return true;
    }

    /** The picture a URL token names, recycled or not. May block. */
    Optional<Picture> findPicture(String urlToken) {
        return metadata.findPictureByUrlToken(urlToken);
    }

    /** May block. */
    Optional<Tenant> findTenant(long tenantId) {
        return metadata.findTenant(tenantId);
    }

    /** The blob's bytes, by content hash. */
    ContentResponder.Body bodyOf(Picture picture) {
        return new BlobBody(blobs, picture.blobKey()); // shared with OSS GetObject
    }

    /**
     * Servable pictures looked up in the last {@code ttlNanos}, by URL token; bounded. Lock-free reads;
     * when full, expired entries go first, then arbitrary ones (a lookup is all that is lost).
     */
    static final class RecentPictures {
        record Entry(Picture picture, ContentResponder.Representation representation, long bornNanos) {}

        private final long ttlNanos;
        private final int maxEntries;
        private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

        RecentPictures(long ttlNanos, int maxEntries) {
            this.ttlNanos = ttlNanos;
            this.maxEntries = maxEntries;
        }

        Entry get(String token) {
            if (ttlNanos == 0) return null;
            Entry entry = entries.get(token);
            if (entry == null) return null;
            if (System.nanoTime() - entry.bornNanos() >= ttlNanos) {
                entries.remove(token, entry);
                return null;
            }
            return entry;
        }

        void put(String token, Picture picture, ContentResponder.Representation representation) {
            if (ttlNanos == 0) return;
            if (entries.size() >= maxEntries) makeRoom();
            entries.put(token, new Entry(picture, representation, System.nanoTime()));
        }

        void remove(String token) {
            entries.remove(token);
        }

        int size() {
            return entries.size();
        }

        private void makeRoom() {
            long now = System.nanoTime();
            entries.values().removeIf(e -> now - e.bornNanos() >= ttlNanos);
            // still full of live entries: drop an eighth, whichever the iterator meets first
            int excess = entries.size() - maxEntries + Math.max(1, maxEntries / 8);
            for (Iterator<String> keys = entries.keySet().iterator(); excess > 0 && keys.hasNext(); excess--) {
                keys.next();
                keys.remove();
            }
        }
    }
}
