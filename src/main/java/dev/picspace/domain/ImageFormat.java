package dev.picspace.domain;

import java.util.Locale;
import java.util.Optional;

/** The image formats picspace accepts. Decided from the bytes alone, never from a file name. */
public enum ImageFormat {
    JPEG("jpg", "image/jpeg"),
    PNG("png", "image/png"),
    GIF("gif", "image/gif"),
    WEBP("webp", "image/webp"),
    BMP("bmp", "image/bmp");

    private final String extension;
    private final String mediaType;

    ImageFormat(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    /** The file extension used in picture URLs, without a dot. */
    public String extension() { return extension; }

    /** The Content-Type served for these bytes. */
    public String mediaType() { return mediaType; }

    public static Optional<ImageFormat> fromExtension(String ext) {
        String e = ext.toLowerCase(Locale.ROOT);
        if (e.equals("jpeg")) return Optional.of(JPEG);
        for (ImageFormat f : values()) if (f.extension.equals(e)) return Optional.of(f);
        return Optional.empty();
    }
}
