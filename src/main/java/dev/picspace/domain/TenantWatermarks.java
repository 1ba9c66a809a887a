package dev.picspace.domain;

import java.util.List;

/**
 * Turns a tenant's Taobao {@code water_mark} setting into the operation that renders it, so the
 * delivery side appends the same {@link ImageOperation.Watermark} whichever URL convention asked
 * for the picture.
 *
 * <p>Taobao documents the fields but not their geometry, so this is picspace's reading of them:
 * <ul>
 *   <li>Position {@code x,y} is a fraction of the picture (the seed setting's {@code -0.21,-0.13}
 *       cannot be pixels). For the corner references (1 top left, 2 bottom right) it is the
 *       distance of the mark's matching corner in from the picture's corner, so the sign is ignored
 *       and any value stays on the picture; for the centre reference (3) it is the signed offset of
 *       the mark's centre from the picture's centre, negative meaning left and up. It becomes a
 *       {@code relative} watermark in per-mille, clamped to ±1000.</li>
 *   <li>{@code textFirst} chooses which mark is drawn when both a text and an image are set; when
 *       only one is set that one is drawn; when neither, nothing.</li>
 *   <li>Opacity 0..1 becomes OSS's 0..100; the colour's r,g,b become 0xRRGGBB; a shadow becomes a
 *       50% shadow; the rotation is clockwise degrees, normalised to 0..359.</li>
 *   <li>The image is drawn at its natural size, scaled down to fit the picture when larger.</li>
 *   <li>{@code global} is not read here: whether a picture carries the mark is the caller's
 *       decision (design: every picture when global, the owner always sees the original).</li>
 * </ul>
 */
public final class TenantWatermarks {
    private TenantWatermarks() {}

    /** The shadow strength (OSS shadow_0..100) for Taobao's yes/no shadow. */
    public static final int SHADOW = 50;

    /**
     * @param setting the tenant's setting, or null for none
     * @param imageBlobKeyOrNull the blob key that the setting's image URL resolved to in the tenant's
     *        own space, or null when it has no image or it did not resolve (the URL itself is never read)
     * @return zero or one operation
     */
    public static List<ImageOperation> fromTenantSetting(Watermark setting, String imageBlobKeyOrNull) {
        if (setting == null) return List.of();
        boolean hasText = setting.text() != null && !setting.text().isBlank();
        boolean hasImage = imageBlobKeyOrNull != null && !imageBlobKeyOrNull.isBlank();
        if (!hasText && !hasImage) return List.of();
        boolean useText = hasText && (setting.textFirst() || !hasImage);

        ImageOperation.Gravity gravity = switch (setting.reference()) {
            case TOP_LEFT -> ImageOperation.Gravity.NW;
            case BOTTOM_RIGHT -> ImageOperation.Gravity.SE;
            case CENTER -> ImageOperation.Gravity.CENTER;
        };
        boolean corner = setting.reference() != Watermark.Reference.CENTER;
        int x = perMille(setting.positionX(), corner);
        int y = perMille(setting.positionY(), corner);
        int opacity = (int) Math.round(setting.opacity() * 100);
        int rotate = Math.floorMod(setting.rotation(), 360);
        int color = setting.red() << 16 | setting.green() << 8 | setting.blue();
        ImageOperation.Watermark op = useText
                ? new ImageOperation.Watermark(opacity, gravity, x, y, 0, setting.text(), setting.font(),
                        setting.fontSize(), color, setting.bold(), setting.italic(), setting.underline(),
                        setting.shadow() ? SHADOW : 0, rotate, false, null, 0, true)
                : new ImageOperation.Watermark(opacity, gravity, x, y, 0, null, null, 0, 0, false, false, false,
                        0, 0, false, imageBlobKeyOrNull, 0, true);
        return List.of(op);
    }

    private static int perMille(double fraction, boolean corner) {
        double v = corner ? Math.abs(fraction) : fraction;
        return (int) Math.max(-1000, Math.min(1000, Math.round(v * 1000)));
    }
}
