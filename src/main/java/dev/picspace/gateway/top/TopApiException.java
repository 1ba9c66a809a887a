package dev.picspace.gateway.top;

/** Stops a TOP call with the given {@code error_response}. */
final class TopApiException extends RuntimeException {
    final TopError error;

    TopApiException(TopError error) {
        super(error.code() + " " + error.msg() + (error.subCode() == null ? "" : " " + error.subCode()), null, false, false);
        this.error = error;
    }
}
