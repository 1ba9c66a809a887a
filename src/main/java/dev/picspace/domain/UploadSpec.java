package dev.picspace.domain;

/**
 * What the caller says about an upload besides its bytes. Null fields take defaults: the title
 * from the file name without its extension, the default category, client type computer.
 */
public record UploadSpec(String originalFileName, String title, long categoryId, String clientType,
                         String description, String tags, String imageType) {
    public static UploadSpec named(String fileName) {
        return new UploadSpec(fileName, null, Category.DEFAULT_ID, null, null, null, null);
    }
}
