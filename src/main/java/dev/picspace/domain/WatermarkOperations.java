package dev.picspace.domain;

import java.util.Optional;

/**
 * SEAM (issue "image delivery"): how a tenant's {@link Watermark} setting (Taobao's 15 fields)
 * becomes the {@link ImageOperation.Watermark} that every picture it serves carries. The engine
 * engineer owns the authoritative mapping (branch {@code img}); until it is merged, this small one
 * is used, and replacing it is a change to {@link #of} only.
 *
 * <p>Choices made here, all visible in the cache key (so changing any re-renders):
 * <ul>
 *   <li>only a {@link Watermark#global() global} setting applies automatically;</li>
 *   <li>text or image, not both: text when there is text and either text comes first (field 3) or
 *       there is no usable image; else the image;</li>
 *   <li>the reference corner (field 15) is the gravity: top left → NW, bottom right → SE, centre →
 *       CENTER; margins are OSS's default 10 px. The relative position (field 13) is not expressible
 *       in {@link ImageOperation.Watermark}'s pixel margins and is not used yet;</li>
 *   <li>opacity 0..1 → 0..100; shadow on → 50; rotation taken modulo 360;</li>
 *   <li>an image watermark is drawn at {@value #IMAGE_PERCENT}% of the picture's size, so that a
 *       logo does not cover a 90×90 thumbnail (Taobao's setting has no scale field).</li>
 * </ul>
 */
public final class WatermarkOperations {
    private WatermarkOperations() {}

    /** OSS's default margin from the anchoring edge, in pixels. */
    public static final int MARGIN = 10;
    public static final int IMAGE_PERCENT = 20;
    public static final int SHADOW = 50;

    /**
     * @param imageBlobKey the blob of the setting's image watermark, when its URL named a live picture
     *                     of the same tenant (resolved by the caller; empty for anything else)
     * @return empty when nothing is to be drawn
     */
    public static Optional<ImageOperation.Watermark> of(Watermark setting, Optional<String> imageBlobKey) {
        if (setting == null || !setting.global()) return Optional.empty();
        boolean hasText = setting.text() != null && !setting.text().isBlank();
        boolean hasImage = imageBlobKey.isPresent();
        if (!hasText && !hasImage) return Optional.empty();
        boolean useText = hasText && (setting.textFirst() || !hasImage);
        ImageOperation.Gravity gravity = switch (setting.reference()) {
            case TOP_LEFT -> ImageOperation.Gravity.NW;
            case BOTTOM_RIGHT -> ImageOperation.Gravity.SE;
            case CENTER -> ImageOperation.Gravity.CENTER;
        };
        int opacity = (int) Math.round(setting.opacity() * 100);
        if (useText) {
            int color = (setting.red() << 16) | (setting.green() << 8) | setting.blue();
            return Optional.of(new ImageOperation.Watermark(opacity, gravity, MARGIN, MARGIN, 0,
                    setting.text(), setting.font(), setting.fontSize(), color, setting.bold(), setting.italic(),
                    setting.underline(), setting.shadow() ? SHADOW : 0, Math.floorMod(setting.rotation(), 360), false,
                    null, 0));
        }
        // image only: the text fields are at their neutral values, as the canonical form leaves them out
        return Optional.of(new ImageOperation.Watermark(opacity, gravity, MARGIN, MARGIN, 0,
                null, null, 0, 0, false, false, false, 0, 0, false, imageBlobKey.get(), IMAGE_PERCENT));
    }
}
