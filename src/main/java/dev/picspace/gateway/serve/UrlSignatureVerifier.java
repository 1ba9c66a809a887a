package dev.picspace.gateway.serve;

import org.eclipse.jetty.server.Request;

import dev.picspace.domain.Picture;

/**
 * HOOK: checks the signature of a picture URL for tenants with {@code signedUrls} on (VOD Type-A
 * {@code auth_key}, OSS presigned URLs; design: Serving). {@link PictureServingHandler} calls it
 * before any byte is read, and only for such tenants; without a verifier their pictures get 403.
 *
 * <p>Implementations must be cheap and must not throw for malformed input: a bad or expired
 * signature is simply {@code false}. They must not read the request body.
 */
@FunctionalInterface
public interface UrlSignatureVerifier {

    /** Whether {@code request} carries a valid, unexpired signature for {@code picture}. */
    boolean verify(Request request, Picture picture);
}
