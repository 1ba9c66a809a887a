package dev.picspace.gateway.serve;

/**
 * Bounds on what a transform URL may ask for, checked while parsing, before any lookup or decode
 * (design: Limits). The engine checks the rest ({@link dev.picspace.domain.ImageEngine.OutputLimits}).
 *
 * @param maxSide       largest width, height, long or short side a resize may name (OSS: 4096), also
 *                      the largest {@code WxH} of a Taobao suffix
 * @param maxCoordinate largest crop offset or size (the largest source side we accept)
 * @param maxSteps      longest chain of operations
 */
public record TransformLimits(int maxSide, int maxCoordinate, int maxSteps) {
    public static final int DEFAULT_MAX_SIDE = 4096;
    public static final TransformLimits DEFAULTS = new TransformLimits(DEFAULT_MAX_SIDE, 30_000, 16);

    /** Longest Taobao suffix chain ({@code _310x310.jpg_.webp} is two). */
    public static final int MAX_SUFFIXES = 4;
    /** Longest {@code x-oss-process} value, decoded; a full chain with a 64-character text watermark fits well. */
    public static final int MAX_PROCESS_LENGTH = 2048;
    /** OSS: a text watermark has at most 64 characters. */
    public static final int MAX_WATERMARK_TEXT = 64;

    public TransformLimits {
        if (maxSide < 1 || maxCoordinate < 1 || maxSteps < 1) throw new IllegalArgumentException("transform limits must be positive");
    }
}
