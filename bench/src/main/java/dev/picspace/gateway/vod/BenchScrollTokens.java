package dev.picspace.gateway.vod;

import dev.picspace.domain.PictureSearch;

/**
 * Makes a SearchMedia ScrollToken for a chosen position, so that the bench can measure a page
 * deep in a traversal without walking to it (this class sits in the gateway's package only to
 * reach ScrollToken; nothing in src/main changes).
 */
public final class BenchScrollTokens {
    private BenchScrollTokens() {}

    public static String token(long tenantId, PictureSearch.Sort sort, String match, PictureSearch.Position after) {
        return ScrollToken.encode(after, ScrollToken.traversal(tenantId, sort, match));
    }
}
