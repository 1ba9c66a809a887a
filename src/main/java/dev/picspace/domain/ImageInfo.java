package dev.picspace.domain;

/** What a probe reads from an image's headers, before (and instead of) any decode. */
public record ImageInfo(ImageFormat format, int width, int height, int frames) {
    public long pixels() { return (long) width * height; }
}
