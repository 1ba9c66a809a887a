package dev.picspace.gateway.serve;

/**
 * A transform URL that cannot be honoured: unknown operation or parameter, a value out of range, a
 * watermark picture that is not the tenant's own. Answered 400 in the style of the convention the
 * request used ({@link TransformRequest.Convention}): OSS's XML error for {@code x-oss-process},
 * plain text for Taobao suffixes.
 */
public class InvalidTransformException extends RuntimeException {
    private final TransformRequest.Convention convention;

    public InvalidTransformException(TransformRequest.Convention convention, String message) {
        super(message);
        this.convention = convention;
    }

    public TransformRequest.Convention convention() { return convention; }
}
