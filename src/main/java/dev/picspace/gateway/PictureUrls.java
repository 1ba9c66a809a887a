package dev.picspace.gateway;

import dev.picspace.domain.Picture;
import dev.picspace.gateway.serve.PictureUrl;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a picture is served: {@code <public base>/i/<token>.<ext>} (design: Identity — the token
 * is unguessable, so one URL does not lead to the others). Both dialects hand these out; both
 * map a URL back to its picture through {@link #tokenOf}. The exact path shape that is served is
 * {@link PictureUrl}'s.
 */
public final class PictureUrls {
    /** A token is 20 lowercase hex characters; whatever follows the extension (size suffixes) is ignored here. */
    private static final Pattern TOKEN_IN_URL = Pattern.compile("/i/([0-9a-f]{20})\\.[A-Za-z]{3,4}(?:[_?#].*)?$");

    private final String httpBase;
    private final String httpsBase;

    /** @param publicBaseUrl e.g. {@code http://localhost:8080} or {@code https://img.example.com}, no trailing slash */
    public PictureUrls(String publicBaseUrl) {
        String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        this.httpBase = base.startsWith("https://") ? "http://" + base.substring(8) : base;
        this.httpsBase = base.startsWith("http://") ? "https://" + base.substring(7) : base;
    }

    public String pathOf(Picture p) { return PictureUrl.pathOf(p.urlToken(), p.format()); }

    public String urlOf(Picture p, boolean https) { return (https ? httpsBase : httpBase) + pathOf(p); }

    /** The token of a picture URL (any host: CDNs and proxies rewrite hosts), if it has one. */
    public static Optional<String> tokenOf(String url) {
        if (url == null) return Optional.empty();
        Matcher m = TOKEN_IN_URL.matcher(url.trim());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
