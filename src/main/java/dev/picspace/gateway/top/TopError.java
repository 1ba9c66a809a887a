package dev.picspace.gateway.top;

/**
 * One TOP {@code error_response}: a platform code (top.md §4.2) and, for business errors, code 15
 * with an {@code isv.*} / {@code isp.*} sub_code (§4.3, §4.4).
 */
public record TopError(int code, String msg, String subCode, String subMsg) {

    static TopError platform(int code, String msg) { return new TopError(code, msg, null, null); }

    static TopError platform(int code, String msg, String subMsg) { return new TopError(code, msg, null, subMsg); }

    /** Business errors: "15 Remote service error" with the detail in sub_code (top.md §4.2, recommendation). */
    static TopError business(String subCode, String subMsg) { return new TopError(15, "Remote service error", subCode, subMsg); }

    static TopError missingArgument(String param) {
        return new TopError(40, "Missing required arguments:" + param, "isv.missing-parameter:" + param,
                "missing required argument " + param);
    }

    static TopError invalidArgument(String param, String why) {
        return new TopError(41, "Invalid arguments:" + param, "isv.invalid-parameter:" + param, why);
    }

    static final String PICTURE_SERVICE = "isv.pictureServiceClient-service-error:";

    static TopError pictureService(String detail, String subMsg) { return business(PICTURE_SERVICE + detail, subMsg); }
}
