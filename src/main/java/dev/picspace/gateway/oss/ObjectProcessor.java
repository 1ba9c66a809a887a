package dev.picspace.gateway.oss;

import dev.picspace.domain.Picture;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * SEAM: OSS image processing, {@code GetObject ?x-oss-process=image/…} (vod.md §4.3), answered by the
 * derivative service of the image-delivery work. {@link OssGateway} calls it only after the request
 * was authenticated and authorised (the {@code x-oss-process} value is part of the signature,
 * §4.2) and the object is a Normal picture; without one wired in, such a GET is answered
 * {@code 501 NotImplemented}, never with the untransformed original.
 *
 * <p>Wiring it (in {@code PicspaceServer}): parse {@code process} into the domain's
 * {@code ImageOperation}s, render or find the derivative of {@code picture}, and answer with
 * {@code ContentResponder.respond(request, response, callback, representation, errors)} so that
 * ranges, ETag and 304 work and its own 412/416 come out as OSS XML.
 */
@FunctionalInterface
public interface ObjectProcessor {

    /**
     * Answers a GET or HEAD of {@code picture} with {@code ?x-oss-process=process}, completing
     * {@code callback}. Before writing anything it may throw, for the gateway to answer as OSS does:
     * {@code Exceptions.InvalidArgumentException} (400 InvalidArgument: a value it cannot parse or
     * apply), {@code ImageLimitExceededException} / {@code InvalidImageException} (400),
     * {@link OssErrorException} (as given), anything else (500 InternalError).
     *
     * @param process the decoded value of {@code x-oss-process}, e.g. {@code image/resize,w_100/format,webp}
     * @param errors  how to write answers other than the rendition (OSS XML), for {@code ContentResponder}
     */
    void respond(Picture picture, String process, Request request, Response response, Callback callback,
                 dev.picspace.gateway.serve.ContentResponder.ErrorAnswer errors);
}
