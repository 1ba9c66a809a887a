package dev.picspace.gateway.vod;

/**
 * One VOD error answer (vod.md §2): the code and HTTP status the SDKs map to their exceptions, the
 * documented message, and optionally what exactly was wrong. The message is the documented text
 * followed by the detail, so SDK users see why; {@code Recommend} carries the detail alone.
 */
public record VodError(String code, int status, String message, String detail) {

    String fullMessage() { return detail == null ? message : message + " " + detail; }

    static VodError missingParameter(String name) {
        return new VodError("MissingParameter", 400,
                "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.", null);
    }

    static VodError invalidParameter(String name, String detail) {
        return new VodError("InvalidParameter", 400, "The specified parameter \"" + name + "\" is not valid.", detail);
    }

    static VodError noSuchResource(String detail) {
        return new VodError("NoSuchResource", 404, "The specified resource does not exist.", detail);
    }

    static VodError forbidden(String detail) {
        return new VodError("Forbidden", 403, "User not authorized to operate on the specified resource.", detail);
    }

    static VodError internalError() {
        return new VodError("InternalError", 500, "The request processing has failed due to some unknown error.", null);
    }

    static VodError accessKeyNotFound() {
        return new VodError("InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.", null);
    }

    /** The message format the old SDK parses to tell a wrong secret from a canonicalisation bug (vod.md §2.1). */
    static VodError signatureDoesNotMatch(String stringToSign) {
        return new VodError("SignatureDoesNotMatch", 400,
                "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign, null);
    }

    static VodError incompleteSignature(String detail) {
        return new VodError("IncompleteSignature", 400, "The request signature does not conform to Aliyun standards.", detail);
    }

    static VodError nonceUsed() {
        return new VodError("SignatureNonceUsed", 400, "Specified signature nonce was used already.", null);
    }

    static VodError timestampExpired(String detail) {
        return new VodError("InvalidTimeStamp.Expired", 400, "Specified time stamp or date value is expired.", detail);
    }

    static VodError timestampFormat(String detail) {
        return new VodError("InvalidTimeStamp.Format", 400, "Specified time stamp or date value is not well formatted.", detail);
    }

    static VodError invalidVersion() {
        return new VodError("InvalidVersion", 400, "Specified parameter Version is not valid.", "picspace speaks 2017-03-21.");
    }

    static VodError actionNotFound() {
        return new VodError("InvalidAction.NotFound", 404, "Specified api is not found, please check your url and method.", null);
    }

    static VodError securityTokenExpired() {
        return new VodError("InvalidSecurityToken.Expired", 400, "Specified SecurityToken is expired.", null);
    }

    static VodError securityTokenMalformed() {
        return new VodError("InvalidSecurityToken.Malformed", 400, "Specified SecurityToken is malformed.", null);
    }

    static VodError securityTokenMismatch() {
        return new VodError("InvalidSecurityToken.MismatchWithAccessKey", 400,
                "Specified SecurityToken is mismatch with the AccessKey.", null);
    }

    static VodError cateIdNotFound(String detail) {
        return new VodError("InvalidCateId.NotFound", 404, "The CateId not exist.", detail);
    }

    static VodError levelExceeded(String detail) {
        return new VodError("LevelExceededMax", 400, "The level of categories exceeded maximum.", detail);
    }

    static VodError subTotalExceeded(String detail) {
        return new VodError("SubTotalExceededMax", 400, "The total of sub categories exceeded maximum.", detail);
    }

    static VodError sortByExceeded() {
        return new VodError("SortByExceededMax", 400,
                "The SortBy parameter only supports one sort field when traversing all data.", null);
    }

    static VodError matchSyntax(String field, String detail) {
        return new VodError("ErrorMatchSyntax", 400, "The parameter Match." + field + " has an error syntax, please check it.", detail);
    }

    static VodError scrollTokenExpired() {
        return new VodError("InvalidScrollToken.Expired", 400, "The ScrollToken is expired, please refresh it.", null);
    }

    static VodError videoNotFound() {
        return new VodError("InvalidVideo.NotFound", 404, "The video does not exist.",
                "picspace stores images only: it has no videos, so no video snapshots to delete.");
    }
}
