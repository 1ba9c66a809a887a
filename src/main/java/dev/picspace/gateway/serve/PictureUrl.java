package dev.picspace.gateway.serve;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.picspace.domain.ImageFormat;

/**
 * The parts of a picture URL path, {@code /i/<token>.<ext>}: {@code token} is a picture's
 * {@link dev.picspace.domain.Picture#urlToken() urlToken} (20 lowercase hex characters) and {@code ext}
 * one of the {@link ImageFormat#extension() extensions} (or {@code jpeg} for JPEG), in lower case.
 *
 * <p>{@link #parse} reads the <em>raw</em> request path and accepts exactly that shape and nothing
 * else, so percent-encoding ({@code %2e%2e}, {@code %2f}, {@code %00}), dot segments, path
 * parameters, extra segments and over-long paths are refused by construction before any lookup,
 * whatever the server's URI compliance mode decodes them into.
 *
 * @param token     the 20-hex-character URL token
 * @param extension the extension as written in the URL, without the dot
 */
public record PictureUrl(String token, String extension) {

    public static final String PREFIX = "/i/";
    public static final int TOKEN_LENGTH = 20;

    private static final Set<String> EXTENSIONS = Stream.concat(
                    Stream.of(ImageFormat.values()).map(ImageFormat::extension), Stream.of("jpeg"))
            .collect(Collectors.toUnmodifiableSet());
    private static final int MIN_LENGTH = PREFIX.length() + TOKEN_LENGTH + 1
            + EXTENSIONS.stream().mapToInt(String::length).min().orElseThrow();
    private static final int MAX_LENGTH = PREFIX.length() + TOKEN_LENGTH + 1
            + EXTENSIONS.stream().mapToInt(String::length).max().orElseThrow();

    /**
     * The token and extension of a well-formed picture path, or empty. Never throws; costs a
     * length check for most garbage, so a flood of bad URLs stays cheap.
     */
    public static Optional<PictureUrl> parse(String rawPath) {
        if (rawPath == null || rawPath.length() < MIN_LENGTH || rawPath.length() > MAX_LENGTH
                || !rawPath.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int tokenEnd = PREFIX.length() + TOKEN_LENGTH;
        for (int i = PREFIX.length(); i < tokenEnd; i++) {
            char c = rawPath.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return Optional.empty();
        }
        if (rawPath.charAt(tokenEnd) != '.') return Optional.empty();
        String extension = rawPath.substring(tokenEnd + 1);
        if (!EXTENSIONS.contains(extension)) return Optional.empty();
        return Optional.of(new PictureUrl(rawPath.substring(PREFIX.length(), tokenEnd), extension));
    }

    /** Whether this URL's extension names {@code format}: a PNG is not served as {@code .jpg}. */
    public boolean names(ImageFormat format) {
        return format.extension().equals(extension) || (format == ImageFormat.JPEG && extension.equals("jpeg"));
    }

    /** The canonical path of a picture: what picspace writes into {@code picture_path} / {@code URL}. */
    public static String pathOf(String urlToken, ImageFormat format) {
        return PREFIX + urlToken + "." + format.extension();
    }
}
