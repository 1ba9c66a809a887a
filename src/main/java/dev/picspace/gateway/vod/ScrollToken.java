package dev.picspace.gateway.vod;

import dev.picspace.domain.PictureSearch;
import dev.picspace.gateway.sign.Digests;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * SearchMedia's {@code ScrollToken}: a stateless keyset position, 32 lowercase hex characters as
 * VOD's are. It holds the sort value (epoch milliseconds, 48 bits) and the picture id (64 bits) of
 * the last image of a page, so the next page continues right after it however deep the traversal
 * goes, and nothing is kept on the server. Two more bytes check it: a SHA-256 over the position
 * and the traversal it belongs to (tenant, sort, Match), so a token that was altered, cut, or
 * passed with another Match or SortBy is refused ({@code InvalidScrollToken.Expired}) instead of
 * silently starting somewhere else. Not a secret: the position only ever selects the caller's own
 * pictures.
 */
final class ScrollToken {
    private ScrollToken() {}

    private static final long MAX_SORT_VALUE = (1L << 48) - 1;

    /** The traversal a token belongs to: tenant, the single sort, the Match text. */
    static String traversal(long tenantId, PictureSearch.Sort sort, String match) {
        return tenantId + "\n" + sort.field() + "\n" + sort.descending() + "\n" + (match == null ? "" : match.strip());
    }

    static String encode(PictureSearch.Position p, String traversal) {
        if (p.sortValueMillis() < 0 || p.sortValueMillis() > MAX_SORT_VALUE)
            throw new IllegalArgumentException("sort value out of the token's range: " + p.sortValueMillis());
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putShort((short) (p.sortValueMillis() >>> 32)).putInt((int) p.sortValueMillis()).putLong(p.pictureId());
        b.put(check(b.array(), 14, traversal), 0, 2);
        return HexFormat.of().formatHex(b.array());
    }

    static Optional<PictureSearch.Position> decode(String token, String traversal) {
        if (token == null || token.length() != 32) return Optional.empty();
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(token.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        byte[] expected = check(bytes, 14, traversal);
        if (bytes[14] != expected[0] || bytes[15] != expected[1]) return Optional.empty();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long value = ((long) (b.getShort() & 0xFFFF) << 32) | (b.getInt() & 0xFFFFFFFFL);
        return Optional.of(new PictureSearch.Position(value, b.getLong()));
    }

    private static byte[] check(byte[] position, int length, String traversal) {
        byte[] t = traversal.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[length + t.length];
        System.arraycopy(position, 0, all, 0, length);
        System.arraycopy(t, 0, all, length, t.length);
        return Digests.digest("SHA-256", all);
    }
}
