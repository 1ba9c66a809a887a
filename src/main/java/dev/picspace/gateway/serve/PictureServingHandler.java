package dev.picspace.gateway.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.PicspaceException;
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
 * {@link ContentResponder}'s: conditionals, ranges, HEAD, 405.
 *
 * <p>Every refusal is a plain return, not an exception, so a flood of bad or unknown URLs costs a
 * string check, or one indexed lookup. The metadata lookups block (JDBC), so this handler keeps
 * Jetty's default blocking invocation type; the body writes themselves are non-blocking.
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

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final UrlSignatureVerifier verifier;
    private final ContentCache cache;

    /** Serves with a default {@link ContentCache}; signed-URL tenants' pictures are refused (403). */
    public PictureServingHandler(MetadataStore metadata, BlobStore blobs) {
        this(metadata, blobs, null);
    }

    /** @param verifier checks signed URLs; null refuses every signed-URL tenant's pictures */
    public PictureServingHandler(MetadataStore metadata, BlobStore blobs, UrlSignatureVerifier verifier) {
        this(metadata, blobs, verifier, new ContentCache());
    }

    /** @param cache null to read every body from the store */
    public PictureServingHandler(MetadataStore metadata, BlobStore blobs, UrlSignatureVerifier verifier,
                                 ContentCache cache) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.verifier = verifier;
        this.cache = cache;
    }

    /** For subclasses in tests that answer {@link #findPicture}, {@link #findTenant} and {@link #bodyOf} themselves. */
    PictureServingHandler(UrlSignatureVerifier verifier, ContentCache cache) {
        this.metadata = null;
        this.blobs = null;
        this.verifier = verifier;
        this.cache = cache;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // the raw (still percent-encoded) path: PictureUrl refuses every encoding, so nothing a URI
        // decoder might turn into "..", "/" or NUL can reach a lookup
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PictureUrl.PREFIX)) return false;

        PictureUrl url = PictureUrl.parse(path).orElse(null);
        if (url == null) return notFound(request, response, callback);

        Picture picture;
        Tenant tenant;
        try {
            picture = findPicture(url.token()).orElse(null);
            if (picture == null || picture.deleted() || picture.status() != PictureStatus.NORMAL
                    || picture.blobKey() == null || picture.format() == null || !url.names(picture.format())) {
                return notFound(request, response, callback);
            }
            tenant = findTenant(picture.tenantId()).orElse(null);
            if (tenant == null) return notFound(request, response, callback);
        } catch (RuntimeException storeFailure) {
            LOG.warn("picture lookup for {} failed: {}", path, String.valueOf(storeFailure));
            ContentResponder.sendText(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error");
            return true;
        }

        // HOOK (design: Serving): signed URLs are verified before any byte is read
        if (tenant.signedUrls() && !signatureAccepted(request, picture)) {
            ContentResponder.sendText(request, response, callback, HttpStatus.FORBIDDEN_403, "Forbidden");
            return true;
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
            return true;
        }
        ContentResponder.respond(request, response, callback, representation, cache);
        return true;
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

    /** The picture a URL token names, recycled or not. */
    Optional<Picture> findPicture(String urlToken) {
        return metadata.findPictureByUrlToken(urlToken);
    }

    Optional<Tenant> findTenant(long tenantId) {
        return metadata.findTenant(tenantId);
    }

    /** The blob's bytes, by content hash. */
    ContentResponder.Body bodyOf(Picture picture) {
        return new BlobBody(blobs, picture.blobKey());
    }

    /** A blob as a {@link ContentResponder.Body}; store failures become IOExceptions, which become a 500. */
    private record BlobBody(BlobStore blobs, String key) implements ContentResponder.Body {
        @Override
        public InputStream open(long offset, long length) throws IOException {
            try {
                return blobs.open(key, offset, length);
            } catch (PicspaceException e) {
                throw new IOException("blob " + key + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<Path> file() {
            return blobs.localFile(key);
        }
    }
}
