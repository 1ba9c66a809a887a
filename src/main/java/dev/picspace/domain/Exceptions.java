package dev.picspace.domain;

/**
 * The named failures of the domain. Each gateway maps them to its own dialect's error codes;
 * the domain never knows about codes or HTTP statuses.
 */
public final class Exceptions {
    private Exceptions() {}

    /** The tenant's available space cannot hold the charge (design: zero rows from the conditional update). */
    public static class QuotaExceededException extends PicspaceException {
        public QuotaExceededException(String m) { super(m); }
    }
    public static class TenantNotFoundException extends PicspaceException {
        public TenantNotFoundException(String m) { super(m); }
    }
    public static class DuplicateTenantException extends PicspaceException {
        public DuplicateTenantException(String m) { super(m); }
    }
    public static class PictureNotFoundException extends PicspaceException {
        public PictureNotFoundException(String m) { super(m); }
    }
    public static class CategoryNotFoundException extends PicspaceException {
        public CategoryNotFoundException(String m) { super(m); }
    }
    public static class DuplicateCategoryNameException extends PicspaceException {
        public DuplicateCategoryNameException(String m) { super(m); }
    }
    /** Too many categories, too deep a tree, or a move the tree rules forbid. */
    public static class CategoryRuleException extends PicspaceException {
        public CategoryRuleException(String m) { super(m); }
    }
    /** A new category would be deeper than the tree allows (VOD: LevelExceededMax). */
    public static class CategoryTooDeepException extends CategoryRuleException {
        public CategoryTooDeepException(String m) { super(m); }
    }
    /** A category already has as many subcategories as allowed (VOD: SubTotalExceededMax). */
    public static class TooManySubcategoriesException extends CategoryRuleException {
        public TooManySubcategoriesException(String m) { super(m); }
    }
    /** An argument the caller sent is out of its documented range or shape. */
    public static class InvalidArgumentException extends PicspaceException {
        private final String argument;
        public InvalidArgumentException(String argument, String m) { super(m); this.argument = argument; }
        public String argument() { return argument; }
    }
    /** The bytes are not an image of a supported format, or are truncated or corrupt. */
    public static class InvalidImageException extends PicspaceException {
        public InvalidImageException(String m) { super(m); }
    }
    /** The image is well formed but exceeds a configured limit (bytes, width, height, pixels, frames). */
    public static class ImageLimitExceededException extends PicspaceException {
        public ImageLimitExceededException(String m) { super(m); }
    }
    /** A store could not do its job (I/O, SQL); the cause says why. Never the caller's fault. */
    public static class StorageException extends PicspaceException {
        public StorageException(String m, Throwable cause) { super(m, cause); }
        public StorageException(String m) { super(m); }
    }
}
