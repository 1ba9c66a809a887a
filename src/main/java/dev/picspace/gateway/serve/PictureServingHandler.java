package dev.picspace.gateway.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.DerivativeService;
import dev.picspace.domain.Exceptions;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.domain.TenantWatermarks;
import dev.picspace.gateway.PictureUrls;

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
 *
 * <p><b>Transforms</b> (with a {@link Delivery}): Taobao size suffixes and {@code x-oss-process}
 * ({@link TransformRequest}) are answered with a derivative from the {@link DerivativeService}:
 * looked up on a pool thread, rendered on the service's own bounded pool when missing (503 with
 * {@code Retry-After} when that is saturated), and then served like an original: strong ETag (the
 * derivative's sha256), ranges, conditionals, the same Cache-Control; hot ones from the
 * {@link ContentCache} on the selector thread. A bad transform is a 400 before any lookup, in the
 * style of its convention (OSS XML {@code InvalidArgument}, or plain text for Taobao suffixes).
 *
 * <p><b>Watermarks.</b> When a tenant's watermark setting is global, every public answer for its
 * pictures carries it, the plain URL included (a derivative too); the setting is part of the cache
 * key, so changing it re-renders. The untouched original is for the owner only, through a signed
 * {@link OwnerLinks owner link}, answered {@code private, no-store}.
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

    /** Owner links: never kept by a shared cache, which could hand the original out for the public URL. */
    static final String OWNER_CACHE_CONTROL = "private, no-store";

    /** How soon a client should retry when the render pool is saturated, in seconds. */
    static final String RETRY_AFTER_SECONDS = "1";

    public static final long DEFAULT_LOOKUP_TTL_MILLIS = 2000;
    /** About 5 MB of pictures at most; with a 2 s TTL that covers 5,000 distinct pictures a second. */
    static final int MAX_RECENT_PICTURES = 10_000;

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final UrlSignatureVerifier verifier;
    private final ContentCache cache;
    private final RecentPictures recent;
    private final Delivery delivery;
    private final TransformLimits transformLimits;

    /**
     * What transforms need: the derivative service and the bounds on what a URL may ask for.
     * Without one, transform URLs are 404 and watermark settings are not applied.
     */
    public record Delivery(DerivativeService derivatives, TransformLimits limits) {
        public Delivery {
            Objects.requireNonNull(derivatives, "derivatives");
            Objects.requireNonNull(limits, "limits");
        }
    }

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
        this(metadata, blobs, verifier, cache, lookupTtl, null);
    }

    /** @param delivery transforms and watermarks; null for originals only */
    public PictureServingHandler(MetadataStore metadata, BlobStore blobs, UrlSignatureVerifier verifier,
                                 ContentCache cache, Duration lookupTtl, Delivery delivery) {
        this(metadata, blobs, verifier, cache, lookupTtl, true, delivery);
    }

    /** For subclasses in tests that answer {@link #findPicture}, {@link #findTenant} and {@link #bodyOf} themselves. */
    PictureServingHandler(UrlSignatureVerifier verifier, ContentCache cache, Duration lookupTtl) {
        this(null, null, verifier, cache, lookupTtl, false, null);
    }

    private PictureServingHandler(MetadataStore metadata, BlobStore blobs, UrlSignatureVerifier verifier,
                                  ContentCache cache, Duration lookupTtl, boolean storesRequired, Delivery delivery) {
        super(InvocationType.NON_BLOCKING);
        this.metadata = storesRequired ? Objects.requireNonNull(metadata, "metadata") : metadata;
        this.blobs = storesRequired ? Objects.requireNonNull(blobs, "blobs") : blobs;
        this.verifier = verifier;
        this.cache = cache;
        if (lookupTtl.isNegative()) throw new IllegalArgumentException("negative lookup TTL");
        this.recent = new RecentPictures(lookupTtl.toNanos(), MAX_RECENT_PICTURES);
        this.delivery = delivery;
        this.transformLimits = delivery == null ? TransformLimits.DEFAULTS : delivery.limits();
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

        TransformRequest target;
        try {
            target = TransformRequest.parse(path, request.getHttpURI().getQuery(), transformLimits).orElse(null);
        } catch (InvalidTransformException bad) {
            // refused before any lookup: a flood of bad transforms costs a parse
            TransformErrors.send(request, response, callback, bad.convention(), HttpStatus.BAD_REQUEST_400,
                    "InvalidArgument", bad.getMessage());
            return true;
        }
        if (target == null || (target.transforms() && delivery == null)) return notFound(request, response, callback);
        if (target.transforms() && !isGetOrHead(request)) return methodNotAllowed(request, response, callback);
        PictureUrl url = target.base();

        // the selector-thread fast path: no store, no disk (never for owner links: each is verified)
        if (target.owner() == null) {
            RecentPictures.Entry hit = recent.get(url.token());
            if (hit != null) {
                if (!url.names(hit.picture().format())) return notFound(request, response, callback);
                ContentResponder.Representation known = hit.representation(target.variant());
                if (known != null && ContentResponder.respondWithoutBlocking(request, response, callback, known, cache)) {
                    return true;
                }
            }
        }

        try {
            request.getComponents().getThreadPool().execute(() -> {
                try {
                    serveBlocking(request, response, callback, target);
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

    private static boolean isGetOrHead(Request request) {
        return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
    }

    /** Nothing is rendered for a method that gets no body. */
    private static boolean methodNotAllowed(Request request, Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        ContentResponder.sendText(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Method Not Allowed");
        return true;
    }

    /** Lookups, signature check and body: on a pool thread, where blocking is allowed. */
    private void serveBlocking(Request request, Response response, Callback callback, TransformRequest target) {
        // taken before the lookups: a change committed after this makes what is found here unfit to remember
        long epoch = recent.epoch();
        PictureUrl url = target.base();
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

        if (target.owner() != null) {
            serveOwnerLink(request, response, callback, target, picture);
            return;
        }

        // HOOK (design: Serving): signed URLs are verified before any byte is read
        if (tenant.signedUrls() && !signatureAccepted(request, picture)) {
            ContentResponder.sendText(request, response, callback, HttpStatus.FORBIDDEN_403, "Forbidden");
            return;
        }

        List<ImageOperation> ops;
        try {
            ops = delivery == null ? List.of() : operationsFor(target, picture, tenant);
        } catch (InvalidTransformException bad) {
            TransformErrors.send(request, response, callback, bad.convention(), HttpStatus.BAD_REQUEST_400,
                    "InvalidArgument", bad.getMessage());
            return;
        } catch (RuntimeException storeFailure) {
            LOG.warn("resolving the operations for {} failed: {}", url.token(), String.valueOf(storeFailure));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            return;
        }
        if (!ops.isEmpty()) {
            if (!isGetOrHead(request)) {
                methodNotAllowed(request, response, callback); // e.g. a POST to a watermarked plain URL
                return;
            }
            serveDerivative(request, response, callback, target, picture, tenant, ops, epoch, ContentResponder.PLAIN_TEXT);
            return;
        }

        ContentResponder.Representation representation;
        try {
            representation = originalOf(picture, CACHE_CONTROL);
        } catch (RuntimeException badRow) {
            LOG.warn("picture {} cannot be served: {}", picture.pictureId(), String.valueOf(badRow));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            return;
        }
        // signed-URL pictures are never remembered: each request must show its own signature
        if (!tenant.signedUrls()) recent.put(url.token(), picture, target.variant(), representation, epoch);
        ContentResponder.respond(request, response, callback, representation, cache);
    }

    /**
     * OSS {@code GetObject ?x-oss-process=…} of an object the OSS endpoint has already authenticated
     * and authorised (the value is part of its signature): the same operations, tenant watermark,
     * derivative cache and render pool as {@code /i/…?x-oss-process=}, so both URLs of a picture give
     * the same bytes and share one cached rendition. Called on a pool thread.
     *
     * @throws Exceptions.InvalidArgumentException the value does not parse (answered by the caller as OSS XML)
     */
    public void respondToOssProcess(Picture picture, String process, Request request, Response response, Callback callback,
                                    ContentResponder.ErrorAnswer errors) {
        if (delivery == null) throw new Exceptions.InvalidArgumentException("x-oss-process", "image processing is not enabled");
        long epoch = recent.epoch();
        TransformRequest target;
        try {
            PictureUrl base = PictureUrl.parse(PictureUrl.pathOf(picture.urlToken(), picture.format())).orElseThrow();
            target = TransformRequest.ofOssProcess(base, process, transformLimits);
        } catch (InvalidTransformException bad) {
            throw new Exceptions.InvalidArgumentException("x-oss-process", bad.getMessage());
        }
        Tenant tenant = findTenant(picture.tenantId()).orElseThrow(() -> new Exceptions.PictureNotFoundException("no tenant"));
        List<ImageOperation> ops;
        try {
            ops = operationsFor(target, picture, tenant);
        } catch (InvalidTransformException bad) {
            throw new Exceptions.InvalidArgumentException("x-oss-process", bad.getMessage());
        }
        if (ops.isEmpty()) {
            ContentResponder.respond(request, response, callback, originalOf(picture, CACHE_CONTROL), cache, errors);
            return;
        }
        // the answer of /i/ with the same process is the same rendition; signed tenants are never remembered
        serveDerivative(request, response, callback, target, picture, tenant, ops, epoch, errors);
    }

    private ContentResponder.Representation originalOf(Picture picture, String cacheControl) {
        return new ContentResponder.Representation(
                picture.blobKey(),          // sha256 of the bytes: a strong ETag that changes on replace
                picture.sizeBytes(),
                // the row's modification time: it also moves on metadata edits, which only costs a
                // needless 200 to a date-only revalidation; it never stays put when the bytes change
                picture.modified(),
                picture.format().mediaType(), // decided from the bytes at upload (design: Limits)
                cacheControl,
                bodyOf(picture));
    }

    /**
     * The owner's signed link: the stored bytes, whatever the watermark, never remembered, never
     * kept by a shared cache. A valid owner signature also stands in for a signed-URL tenant's
     * own URL signature (it is one, by the same tenant's secret).
     */
    private void serveOwnerLink(Request request, Response response, Callback callback, TransformRequest target, Picture picture) {
        String secret;
        try {
            secret = ownerSecret(picture.tenantId()).orElse(null);
        } catch (RuntimeException storeFailure) {
            LOG.warn("owner secret lookup for tenant {} failed: {}", picture.tenantId(), String.valueOf(storeFailure));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            return;
        }
        String path = PictureUrl.PREFIX + target.base().token() + "." + target.base().extension();
        if (!OwnerLinks.verify(path, target.owner(), secret, java.time.Instant.now())) {
            ContentResponder.sendText(request, response, callback, HttpStatus.FORBIDDEN_403, "Forbidden");
            return;
        }
        ContentResponder.respond(request, response, callback, originalOf(picture, OWNER_CACHE_CONTROL), cache);
    }

    /**
     * The operations this public request gets: those it asked for (image watermarks resolved in the
     * picture's own space), then the tenant's global watermark, if any (not for {@code info}, which
     * is JSON); normalised. Empty when the stored bytes are the answer.
     */
    private List<ImageOperation> operationsFor(TransformRequest target, Picture picture, Tenant tenant) {
        List<ImageOperation> ops = new ArrayList<>(target.resolve(key -> ownBlobKey(picture.tenantId(), key)));
        if (!TransformRequest.isInfo(ops)) tenantWatermark(tenant).ifPresent(ops::add);
        return ops.isEmpty() ? List.of() : TransformRequest.normalise(ops, picture.format());
    }

    /** The tenant's global watermark as an operation; its image only if it is a live picture of the same tenant. */
    private Optional<ImageOperation.Watermark> tenantWatermark(Tenant tenant) {
        if (tenant.watermark() == null || !tenant.watermark().global()) return Optional.empty();
        Optional<String> image = Optional.empty();
        String imageUrl = tenant.watermark().imageUrl();
        if (imageUrl != null) {
            // our own picture URL → its token → a picture of this tenant; anything else is ignored, never fetched
            image = PictureUrls.tokenOf(imageUrl).flatMap(this::findPicture)
                    .filter(p -> servableOf(p, tenant.id()))
                    .map(Picture::blobKey);
            if (image.isEmpty()) LOG.debug("tenant {}: watermark image {} is not one of its pictures; ignored", tenant.id(), imageUrl);
        }
        // the engine side's reading of Taobao's fields (relative position, reference corner, text first)
        return TenantWatermarks.fromTenantSetting(tenant.watermark(), image.orElse(null)).stream()
                .map(op -> (ImageOperation.Watermark) op).findFirst();
    }

    private static final Pattern OWN_PATH = Pattern.compile("^/?(?:i/)?([0-9a-f]{20})\\.[a-z]{3,4}$");
    private static final Pattern IMAGE_ID = Pattern.compile("^(?:.*/)?([0-9a-f]{32})(?:\\.[a-z]{3,4})?$");

    /**
     * An OSS watermark's object key → the blob of a live picture of {@code tenantId}: our picture
     * path ({@code i/<token>.<ext>}, with or without a host), or a VOD ImageId (alone or as
     * {@code image/default/<ImageId>.<ext>}). Never fetched; another tenant's picture is not found.
     */
    private Optional<String> ownBlobKey(long tenantId, String objectKey) {
        Matcher own = OWN_PATH.matcher(objectKey);
        Optional<Picture> picture;
        if (own.matches()) picture = findPicture(own.group(1));
        else if (objectKey.contains("/i/")) picture = PictureUrls.tokenOf(objectKey).flatMap(this::findPicture);
        else {
            Matcher id = IMAGE_ID.matcher(objectKey);
            picture = id.matches() ? findPictureByImageId(tenantId, id.group(1)) : Optional.empty();
        }
        return picture.filter(p -> servableOf(p, tenantId)).map(Picture::blobKey);
    }

    private static boolean servableOf(Picture p, long tenantId) {
        return p.tenantId() == tenantId && !p.deleted() && p.status() == PictureStatus.NORMAL && p.blobKey() != null
                && p.format() != null;
    }

    /** A cached derivative at once; else a render on the service's pool, answered when it is done. */
    private void serveDerivative(Request request, Response response, Callback callback, TransformRequest target,
                                 Picture picture, Tenant tenant, List<ImageOperation> ops, long epoch,
                                 ContentResponder.ErrorAnswer errors) {
        DerivativeService derivatives = delivery.derivatives();
        Optional<DerivativeService.Derivative> cached;
        try {
            cached = derivatives.cached(picture, ops);
        } catch (RuntimeException storeFailure) {
            LOG.warn("derivative lookup for {} failed: {}", target.base().token(), String.valueOf(storeFailure));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            return;
        }
        if (cached.isPresent()) {
            ContentResponder.Representation rep = derivativeOf(cached.get(), picture, new BlobBody(blobs(), cached.get().blobKey()));
            if (!tenant.signedUrls()) recent.put(target.base().token(), picture, target.variant(), rep, epoch);
            ContentResponder.respond(request, response, callback, rep, cache, errors);
            return;
        }
        derivatives.render(picture, ops).whenComplete((derivative, failure) -> {
            Runnable answer = () -> {
                if (failure != null) {
                    renderFailed(request, response, callback, target, picture, failure);
                    return;
                }
                if (!tenant.signedUrls())
                    recent.put(target.base().token(), picture, target.variant(),
                            derivativeOf(derivative, picture, new BlobBody(blobs(), derivative.blobKey())), epoch);
                // the bytes just rendered, so the first answer needs no read back from the store
                ContentResponder.respond(request, response, callback,
                        derivativeOf(derivative, picture, new BytesBody(derivative.bytes())), cache, errors);
            };
            try {
                // off the render thread: it has the next render to do
                request.getComponents().getThreadPool().execute(answer);
            } catch (RejectedExecutionException busy) {
                answer.run();
            }
        });
    }

    private ContentResponder.Representation derivativeOf(DerivativeService.Derivative d, Picture picture, ContentResponder.Body body) {
        // never older than the picture's row: a date-only revalidation must not outlive a replace
        java.time.Instant lastModified = d.created().isAfter(picture.modified()) ? d.created() : picture.modified();
        return new ContentResponder.Representation(d.blobKey(), d.sizeBytes(), lastModified, d.mediaType(), CACHE_CONTROL, body);
    }

    private void renderFailed(Request request, Response response, Callback callback, TransformRequest target,
                              Picture picture, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        TransformRequest.Convention convention = target.convention();
        if (cause instanceof DerivativeService.RenderingBusyException) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
            TransformErrors.send(request, response, callback, convention, HttpStatus.SERVICE_UNAVAILABLE_503,
                    "ServiceUnavailable", "too many pictures are being rendered; retry shortly");
        } else if (cause instanceof Exceptions.InvalidArgumentException || cause instanceof Exceptions.ImageLimitExceededException
                || cause instanceof Exceptions.InvalidImageException) {
            // the operations do not fit this picture (e.g. a crop outside it, a result over the output limits)
            TransformErrors.send(request, response, callback, convention, HttpStatus.BAD_REQUEST_400,
                    "InvalidArgument", cause.getMessage());
        } else if (cause instanceof Exceptions.PictureNotFoundException) {
            notFound(request, response, callback);
        } else {
            LOG.warn("rendering picture {} failed: {}", picture.pictureId(), String.valueOf(cause));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
        }
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

    /** A tenant's picture by VOD ImageId (watermark object keys). May block. */
    Optional<Picture> findPictureByImageId(long tenantId, String imageId) {
        return metadata.findPictureByImageId(tenantId, imageId);
    }

    /** The secret owner links are signed with: the tenant's TOP app secret (see {@link OwnerLinks}). May block. */
    Optional<String> ownerSecret(long tenantId) {
        return metadata.findTopCredentialsOfTenant(tenantId).map(TopCredentials::appSecret);
    }

    BlobStore blobs() {
        return blobs;
    }

    /** The blob's bytes, by content hash. */
    ContentResponder.Body bodyOf(Picture picture) {
        return new BlobBody(blobs, picture.blobKey()); // shared with OSS GetObject
    }

    /** Bytes just rendered. */
    private record BytesBody(byte[] bytes) implements ContentResponder.Body {
        @Override
        public java.io.InputStream open(long offset, long length) {
            return new java.io.ByteArrayInputStream(bytes, (int) offset, (int) length);
        }
    }

    /**
     * Servable pictures looked up in the last {@code ttlNanos}, by URL token, each with the answers
     * already worked out for it: the plain URL's (variant "") and up to {@value #MAX_VARIANTS}
     * transforms'. Bounded; lock-free reads; when full, expired entries go first, then arbitrary
     * ones (a lookup is all that is lost).
     *
     * <p>A change ({@link #remove}) bumps an epoch. A lookup that began before it may finish after
     * it; {@link #put} then drops what it just stored, so a replaced or recycled picture is not
     * remembered again by a request that raced with the change.
     */
    static final class RecentPictures {
        static final int MAX_VARIANTS = 16;

        static final class Entry {
            private final Picture picture;
            private final ConcurrentHashMap<String, ContentResponder.Representation> answers = new ConcurrentHashMap<>();
            private final long bornNanos;

            Entry(Picture picture, long bornNanos) {
                this.picture = picture;
                this.bornNanos = bornNanos;
            }

            Picture picture() { return picture; }

            long bornNanos() { return bornNanos; }

            /** The answer for the plain URL. */
            ContentResponder.Representation representation() { return answers.get(""); }

            ContentResponder.Representation representation(String variant) { return answers.get(variant); }
        }

        private final long ttlNanos;
        private final int maxEntries;
        private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
        private final AtomicLong epoch = new AtomicLong();

        RecentPictures(long ttlNanos, int maxEntries) {
            this.ttlNanos = ttlNanos;
            this.maxEntries = maxEntries;
        }

        long epoch() { return epoch.get(); }

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

        /** The plain URL's answer, from a lookup made now. */
        void put(String token, Picture picture, ContentResponder.Representation representation) {
            put(token, picture, "", representation, epoch.get());
        }

        /** @param lookupEpoch {@link #epoch()} from before the lookup that found {@code picture} */
        void put(String token, Picture picture, String variant, ContentResponder.Representation representation, long lookupEpoch) {
            if (ttlNanos == 0) return;
            Entry entry = get(token);
            if (entry == null || !entry.picture().equals(picture)) {
                if (entries.size() >= maxEntries) makeRoom();
                entry = new Entry(picture, System.nanoTime());
                entries.put(token, entry);
            }
            if (entry.answers.size() < MAX_VARIANTS || entry.answers.containsKey(variant)) entry.answers.put(variant, representation);
            // after storing, so that a remove() between the check and the store cannot be missed
            if (epoch.get() != lookupEpoch) entries.remove(token, entry);
        }

        void remove(String token) {
            epoch.incrementAndGet();
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
