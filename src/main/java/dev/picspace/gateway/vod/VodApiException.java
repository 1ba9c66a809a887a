package dev.picspace.gateway.vod;

/** Stops a VOD call with the given error answer. */
final class VodApiException extends RuntimeException {
    final VodError error;

    VodApiException(VodError error) {
        super(error.code() + " " + error.fullMessage(), null, false, false);
        this.error = error;
    }
}
