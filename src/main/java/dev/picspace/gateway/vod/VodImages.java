package dev.picspace.gateway.vod;

import dev.picspace.domain.Category;
import dev.picspace.domain.CategoryQuery;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureSpace;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.gateway.MediaUrls;
import dev.picspace.gateway.tree.ObjectNode;
import dev.picspace.gateway.tree.Scalar;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a picture looks in VOD (vod.md §3.2, §3.6, the seed): the ImageInfo and SearchMedia Image
 * objects, field by field with the SDK models' types ({@code CateId} a number, {@code Mezzanine.FileSize}
 * a string, {@code Width}/{@code Height} numbers), and the URLs {@link MediaUrls} signs.
 */
final class VodImages {
    /** picspace has one VOD "application" and one region; both are answered as the SDKs expect. */
    static final String APP_ID = "app-1000000";
    static final String REGION_ID = "cn-shanghai";
    /** GetImageInfo AuthTimeout for cdn: at least 1, no documented maximum; 100 years keeps expiries sane. */
    static final long MAX_CDN_AUTH_TIMEOUT = 3_153_600_000L;

    private final PictureSpace space;
    private final MediaUrls urls;
    /** Like VOD's {@code outin-xxx.oss-cn-shanghai.aliyuncs.com}: the bucket and the OSS endpoint's host. */
    final String storageLocation;

    VodImages(PictureSpace space, MediaUrls urls) {
        this.space = space;
        this.urls = urls;
        this.storageLocation = urls.bucket() + "." + URI.create(urls.ossEndpoint()).getRawAuthority();
    }

    static String statusName(PictureStatus s) {
        return switch (s) {
            case UPLOADING -> "Uploading";
            case NORMAL -> "Normal";
            case UPLOAD_FAIL -> "UploadFail";
        };
    }

    /** The status a VOD name stands for; null for names no image can have. */
    static PictureStatus statusOf(String name) {
        for (PictureStatus s : PictureStatus.values()) if (statusName(s).equalsIgnoreCase(name.trim())) return s;
        return null;
    }

    /** OutputType and AuthTimeout of GetImageInfo(s) (seed: cdn default; oss 1..2592000, default 3600). */
    record UrlOptions(boolean oss, long authTimeout) {
        static final UrlOptions DEFAULT = new UrlOptions(false, MediaUrls.DEFAULT_AUTH_TIMEOUT);

        static UrlOptions of(VodArguments a) {
            String type = a.string("OutputType");
            boolean oss;
            if (type == null || type.equalsIgnoreCase("cdn")) oss = false;
            else if (type.equalsIgnoreCase("oss")) oss = true;
            else throw VodArguments.invalid("OutputType", "OutputType must be cdn or oss, not '" + type + "'.");
            long max = oss ? MediaUrls.MAX_OSS_AUTH_TIMEOUT : MAX_CDN_AUTH_TIMEOUT;
            return new UrlOptions(oss, a.longValue("AuthTimeout", MediaUrls.DEFAULT_AUTH_TIMEOUT, 1, max));
        }
    }

    /** {@code URL}: the CDN (picture serving) URL, or with OutputType=oss the OSS URL; signed for signed-URL tenants. */
    String url(Picture p, Tenant t, UrlOptions o) {
        return o.oss() ? urls.ossUrl(p, t, o.authTimeout()) : urls.cdnUrl(p, t, o.authTimeout());
    }

    /** {@code Mezzanine.FileURL}: always the OSS URL (MediaUrls caps its validity at 30 days). */
    String fileUrl(Picture p, Tenant t, UrlOptions o) { return urls.ossUrl(p, t, o.authTimeout()); }

    /** Category id → name for the whole tenant (at most a few hundred), for lists of images. */
    Map<Long, String> categoryNames(long tenantId) {
        Map<Long, String> names = new HashMap<>();
        for (Category c : space.categories(tenantId, CategoryQuery.all())) names.put(c.id(), c.name());
        return names;
    }

    String categoryName(long tenantId, long categoryId) {
        if (categoryId == Category.DEFAULT_ID) return null;
        return space.metadata().findCategory(tenantId, categoryId).map(Category::name).orElse(null);
    }

    /** GetImageInfo's ImageInfo (and each of GetImageInfos'), every field of the seed plus RegionId/AuditStatus. */
    ObjectNode imageInfo(Picture p, Tenant t, String cateName, UrlOptions o) {
        ObjectNode mezzanine = ObjectNode.object()
                .put("OriginalFileName", p.originalFileName());
        if (p.status() == PictureStatus.NORMAL) {
            // what only the bytes can tell; unknown while Uploading, and after UploadFail
            mezzanine.put("FileSize", Long.toString(p.sizeBytes())) // a string: the Tea SDK's model type (vod.md §0.4)
                    .put("Width", p.width())
                    .put("Height", p.height());
        }
        mezzanine.put("FileURL", fileUrl(p, t, o));
        return ObjectNode.object()
                .put("ImageId", p.imageId())
                .put("Title", p.title())
                .put("CreationTime", VodTime.format(p.created()))
                .put("CateId", id(p.categoryId()))
                .put("CateName", cateName)
                .put("Tags", p.tags())
                .put("ImageType", imageType(p))
                .put("Description", p.description())
                .put("StorageLocation", storageLocation)
                .put("URL", url(p, t, o))
                .put("Status", statusName(p.status()))
                .put("AppId", APP_ID)
                .put("RegionId", REGION_ID)
                .put("AuditStatus", "Normal")
                .put("Mezzanine", mezzanine);
    }

    /** The fields SearchMedia's Image can carry, in the order they are written. */
    static final Set<String> SEARCH_FIELDS = Set.of("ImageId", "Title", "CreationTime", "ModificationTime", "CateId",
            "CateName", "Tags", "Description", "StorageLocation", "URL", "Status", "AppId", "Type", "Ext", "RegionId");

    /**
     * SearchMedia's Image. {@code fields} null: every field; otherwise ImageId and the named ones
     * (vod.md §3.6 {@code Fields}).
     */
    ObjectNode searchImage(Picture p, Tenant t, String cateName, Set<String> fields) {
        ObjectNode o = ObjectNode.object().put("ImageId", p.imageId());
        if (want(fields, "Title")) o.put("Title", p.title());
        if (want(fields, "CreationTime")) o.put("CreationTime", VodTime.format(p.created()));
        if (want(fields, "ModificationTime")) o.put("ModificationTime", VodTime.format(p.modified()));
        if (want(fields, "CateId")) o.put("CateId", id(p.categoryId()));
        if (want(fields, "CateName")) o.put("CateName", cateName);
        if (want(fields, "Tags")) o.put("Tags", p.tags());
        if (want(fields, "Description")) o.put("Description", p.description());
        if (want(fields, "StorageLocation")) o.put("StorageLocation", storageLocation);
        if (want(fields, "URL")) o.put("URL", url(p, t, UrlOptions.DEFAULT));
        if (want(fields, "Status")) o.put("Status", statusName(p.status()));
        if (want(fields, "AppId")) o.put("AppId", APP_ID);
        if (want(fields, "Type")) o.put("Type", imageType(p));
        if (want(fields, "Ext")) o.put("Ext", p.format() == null ? null : p.format().extension());
        if (want(fields, "RegionId")) o.put("RegionId", REGION_ID);
        return o;
    }

    private static boolean want(Set<String> fields, String name) { return fields == null || fields.contains(name); }

    /** 2^53: the largest range of whole numbers a JSON reader that goes through a double keeps exact. */
    private static final long EXACT_IN_DOUBLE = 1L << 53;

    /**
     * A 64-bit id (CateId, ParentId) as VOD JSON carries it: a number, as the documents show, when
     * it fits in 53 bits; a string beyond that. picspace's category ids are snowflake ids above
     * 2^53 (design: Identity), and the Tea SDK reads JSON numbers through a double, so a number
     * would reach it rounded (a CateId that names no category). Every SDK accepts a string for
     * these fields (vod.md §0.4; GetCategories' own sample has them as strings). XML is the same.
     */
    static Scalar id(long id) {
        return Math.abs(id) <= EXACT_IN_DOUBLE ? Scalar.of(id) : Scalar.of(Long.toString(id));
    }

    static String imageType(Picture p) {
        return p.imageType() == null || p.imageType().isBlank() ? "default" : p.imageType().toLowerCase(Locale.ROOT);
    }
}
