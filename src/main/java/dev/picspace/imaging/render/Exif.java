package dev.picspace.imaging.render;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.png.PngMetadataReader;
import com.drew.imaging.webp.WebpMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.Tag;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import dev.picspace.domain.ImageFormat;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A source's EXIF, read with metadata-extractor: its orientation, and the tags the info operation
 * lists. Nothing here is ever written to a derivative (the writers are given no metadata), so GPS
 * and every other tag stay with the original.
 *
 * <p>EXIF is advisory: when it cannot be parsed the picture is treated as having none (orientation
 * 1), because a broken camera tag must not make a viewable picture unservable.
 */
final class Exif {
    /** Tags that identify a device or a person rather than describe the picture: never listed by info. */
    private static final Set<Integer> PRIVATE = Set.of(
            ExifDirectoryBase.TAG_MAKERNOTE, ExifDirectoryBase.TAG_BODY_SERIAL_NUMBER,
            ExifDirectoryBase.TAG_LENS_SERIAL_NUMBER, ExifDirectoryBase.TAG_CAMERA_OWNER_NAME,
            ExifDirectoryBase.TAG_IMAGE_UNIQUE_ID, ExifDirectoryBase.TAG_USER_COMMENT,
            ExifDirectoryBase.TAG_ARTIST, ExifDirectoryBase.TAG_WIN_AUTHOR, ExifDirectoryBase.TAG_WIN_COMMENT);
    private static final int MAX_VALUE_CHARS = 256;

    static final Exif NONE = new Exif(null);

    private final Metadata metadata;

    private Exif(Metadata metadata) {
        this.metadata = metadata;
    }

    static Exif read(byte[] bytes, ImageFormat format) {
        try {
            Metadata m = switch (format) {
                case JPEG -> JpegMetadataReader.readMetadata(new ByteArrayInputStream(bytes), List.of(new ExifReader()));
                case WEBP -> WebpMetadataReader.readMetadata(new ByteArrayInputStream(bytes));
                case PNG -> PngMetadataReader.readMetadata(new ByteArrayInputStream(bytes));
                case GIF, BMP -> null; // neither format carries EXIF
            };
            return m == null ? NONE : new Exif(m);
        } catch (Exception e) {
            // ImageProcessingException, IOException, and whatever a crafted segment provokes
            return NONE;
        }
    }

    /** The EXIF orientation 1..8 (1 when absent or out of range). */
    int orientation() {
        if (metadata == null) return 1;
        for (ExifIFD0Directory d : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
            Integer o = d.getInteger(ExifDirectoryBase.TAG_ORIENTATION);
            if (o != null) return o >= 1 && o <= 8 ? o : 1;
        }
        return 1;
    }

    /**
     * The picture's own EXIF tags for the info answer, named as EXIF names them (metadata-extractor's
     * "Date/Time Original" becomes {@code DateTimeOriginal}) with their raw values. Only the main
     * image directory and the Exif sub-directory are listed: no GPS, no thumbnail, no maker notes,
     * no binary values, and none of {@link #PRIVATE}.
     */
    Map<String, String> infoTags() {
        Map<String, String> tags = new TreeMap<>();
        if (metadata == null) return tags;
        for (Directory d : metadata.getDirectories()) {
            if (!(d instanceof ExifIFD0Directory || d instanceof ExifSubIFDDirectory)) continue;
            for (Tag t : d.getTags()) {
                if (PRIVATE.contains(t.getTagType()) || !t.hasTagName()) continue;
                Object raw = d.getObject(t.getTagType());
                if (raw == null || raw instanceof byte[]) continue;
                String value = d.getString(t.getTagType());
                if (value == null || value.length() > MAX_VALUE_CHARS) continue;
                String name = t.getTagName().replaceAll("[^A-Za-z0-9]", "");
                if (!name.isEmpty()) tags.putIfAbsent(name, value.strip());
            }
        }
        return tags;
    }
}
