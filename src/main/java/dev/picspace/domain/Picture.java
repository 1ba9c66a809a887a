package dev.picspace.domain;

import java.time.Instant;

/**
 * One picture in one tenant's space: every field the TOP Picture and the VOD ImageInfo carry.
 *
 * @param pictureId   64-bit time-ordered id (TOP picture_id)
 * @param imageId     32 lowercase hex chars, 128 random bits (VOD ImageId)
 * @param urlToken    the unguessable part of the picture's URL
 * @param blobKey     sha256 hex of the bytes; null while {@link PictureStatus#UPLOADING}
 * @param md5         md5 hex of the bytes (TOP md5)
 * @param tags        comma-separated, as VOD sends them
 * @param imageType   VOD ImageType ("default", "cover", …)
 * @param clientType  TOP client_type ("client:computer" / "client:phone")
 * @param deletedAt   when it went to the recycle bin; null when live
 */
public record Picture(long pictureId, String imageId, long tenantId, long categoryId, String urlToken,
                      String title, String description, String tags, String imageType,
                      PictureStatus status, ImageFormat format, int width, int height, int frames,
                      long sizeBytes, String md5, String blobKey, String originalFileName,
                      String clientType, boolean referenced, Instant deletedAt,
                      Instant created, Instant modified) {

    public boolean deleted() { return deletedAt != null; }

    public Picture withTitle(String t, Instant now) {
        return new Picture(pictureId, imageId, tenantId, categoryId, urlToken, t, description, tags, imageType,
                status, format, width, height, frames, sizeBytes, md5, blobKey, originalFileName, clientType,
                referenced, deletedAt, created, now);
    }
}
