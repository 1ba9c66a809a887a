package dev.picspace.gateway.http;

/**
 * The request could not be read as HTTP parameters: a body over the limit, a truncated or malformed
 * multipart body, bad percent-encoding, text not valid in its charset, or an I/O failure while
 * reading the body. Unchecked; each gateway maps it to its own dialect's error.
 */
public class MalformedRequestException extends RuntimeException {
    public MalformedRequestException(String message) {
        super(message);
    }

    public MalformedRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
