package dev.picspace.gateway.oss;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request is refused with this OSS error: an HTTP status and an OSS error code (the names in
 * the OSS SDK's {@code OSSErrorCode}), a message, and optional extra elements of the
 * {@code <Error>} body (OSS adds {@code StringToSign}, {@code OSSAccessKeyId}, … to some codes).
 * Thrown anywhere below {@link OssGateway}; written there as
 * {@code <Error><Code/><Message/><RequestId/><HostId/>…</Error>}.
 */
public final class OssErrorException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> extra;

    public OssErrorException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public OssErrorException(int status, String code, String message, Map<String, String> extra) {
        super(message);
        this.status = status;
        this.code = code;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public int status() { return status; }

    public String code() { return code; }

    /** Elements after {@code HostId}, in order. */
    public Map<String, String> extra() { return extra; }

    // The errors this endpoint answers, with OSS's statuses (OSS API reference, "Error codes").

    static OssErrorException accessDenied(String message) { return new OssErrorException(403, "AccessDenied", message); }

    static OssErrorException invalidArgument(String message) { return new OssErrorException(400, "InvalidArgument", message); }

    static OssErrorException noSuchKey(String message) { return new OssErrorException(404, "NoSuchKey", message); }

    static OssErrorException notImplemented(String message) { return new OssErrorException(501, "NotImplemented", message); }

    static OssErrorException invalidAccessKeyId(String message) { return new OssErrorException(403, "InvalidAccessKeyId", message); }
}
