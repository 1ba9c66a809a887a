package dev.picspace.gateway.vod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.domain.Category;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureSearch;
import dev.picspace.domain.PictureSpace;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.UploadSpec;
import dev.picspace.gateway.MediaUrls;
import dev.picspace.gateway.PictureUrls;
import dev.picspace.gateway.tree.Document;
import dev.picspace.gateway.tree.JsonTreeWriter;
import dev.picspace.gateway.tree.ListNode;
import dev.picspace.gateway.tree.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The VOD image actions (vod.md §3): each reads its arguments, calls the {@link PictureSpace} and
 * builds its response body (the gateway adds RequestId and writes it). The categories are
 * {@link VodCategories}'; this class owns the table of every action.
 */
final class VodActions {
    /** What an action needs: whose library, and its arguments. */
    record Call(long tenantId, VodArguments args) {}

    /** vod.md §3.1: upload credentials are valid 3000 s. */
    static final Duration UPLOAD_AUTH_TTL = Duration.ofSeconds(3000);
    /** vod.md §3.3–§3.5: batches of at most 20. */
    static final int MAX_BATCH = 20;
    /** vod.md §3.6: only the first 5,000 matches are reachable by PageNo/PageSize. */
    static final int MAX_PAGED_RESULTS = 5000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PictureSpace space;
    private final MediaUrls urls;
    private final TemporaryCredentials sts;
    private final VodImages images;
    private final Map<String, Function<Call, ObjectNode>> actions;

    VodActions(PictureSpace space, MediaUrls urls, TemporaryCredentials sts) {
        this.space = space;
        this.urls = urls;
        this.sts = sts;
        this.images = new VodImages(space, urls);
        VodCategories categories = new VodCategories(space);
        this.actions = Map.ofEntries(
                Map.entry("CreateUploadImage", this::createUploadImage),
                Map.entry("GetImageInfo", this::getImageInfo),
                Map.entry("GetImageInfos", this::getImageInfos),
                Map.entry("UpdateImageInfos", this::updateImageInfos),
                Map.entry("DeleteImage", this::deleteImage),
                Map.entry("SearchMedia", this::searchMedia),
                Map.entry("AddCategory", categories::add),
                Map.entry("UpdateCategory", categories::update),
                Map.entry("DeleteCategory", categories::delete),
                Map.entry("GetCategories", categories::get));
    }

    boolean exists(String action) { return actions.containsKey(action); }

    ObjectNode invoke(String action, Call call) { return actions.get(action).apply(call); }

    // ------------------------------------------------------------------ CreateUploadImage (§3.1)

    private ObjectNode createUploadImage(Call c) {
        VodArguments a = c.args();
        String imageType = a.requiredString("ImageType");
        if (!imageType.equals("default") && !imageType.equals("cover"))
            throw VodArguments.invalid("ImageType", "ImageType must be default or cover, not '" + imageType + "'.");
        String originalFileName = a.string("OriginalFileName");
        if (originalFileName != null && VodArguments.length(originalFileName) > 1024)
            throw VodArguments.invalid("OriginalFileName", "OriginalFileName is longer than 1024 characters.");
        if (originalFileName != null) VodArguments.checkNoControlCharacters("OriginalFileName", originalFileName);
        ImageFormat format = imageExt(a.string("ImageExt"), originalFileName);
        String title = a.string("Title") == null ? null : VodArguments.checkTitle(a.string("Title"));
        String tags = a.string("Tags") == null ? null : VodArguments.checkTags(a.string("Tags"));
        String description = a.string("Description") == null ? null : VodArguments.checkDescription(a.string("Description"));
        long cateId = categoryArgument(a.longValue("CateId"));
        checkUserData(a.string("UserData"));
        // StorageLocation and AppId are accepted and ignored: picspace has one of each (README).
        Picture p = space.createPending(c.tenantId(), new UploadSpec(originalFileName, title, cateId, null, description,
                tags, imageType), format);
        Tenant t = space.tenant(c.tenantId());
        String key = MediaUrls.objectKey(p);
        TemporaryCredentials.Issued auth = sts.issue(c.tenantId(), TemporaryCredentials.Scope.OSS_OBJECT, key, UPLOAD_AUTH_TTL);
        ObjectNode address = ObjectNode.object()
                .put("Endpoint", urls.ossEndpoint())
                .put("Bucket", urls.bucket())
                .put("FileName", key);
        ObjectNode credentials = ObjectNode.object()
                .put("AccessKeyId", auth.accessKeyId())
                .put("AccessKeySecret", auth.accessKeySecret())
                .put("SecurityToken", auth.securityToken())
                .put("Expiration", Long.toString(UPLOAD_AUTH_TTL.toSeconds())) // seconds, as a string (vod.md §3.1)
                .put("ExpireUTCTime", VodTime.format(auth.expires()));
        return ObjectNode.object()
                .put("ImageId", p.imageId())
                .put("ImageURL", images.url(p, t, VodImages.UrlOptions.DEFAULT))
                .put("FileURL", urls.objectUrl(p))
                .put("UploadAddress", base64Json(address))
                .put("UploadAuth", base64Json(credentials));
    }

    /** ImageExt wins over the file name's extension; without either, png (vod.md §3.1). */
    private static ImageFormat imageExt(String ext, String originalFileName) {
        if (ext != null) {
            return ImageFormat.fromExtension(ext.trim()).orElseThrow(() -> VodArguments.invalid("ImageExt",
                    "ImageExt must be png, jpg, jpeg, gif, webp or bmp, not '" + ext + "'."));
        }
        if (originalFileName != null) {
            int dot = originalFileName.lastIndexOf('.');
            if (dot >= 0) {
                Optional<ImageFormat> f = ImageFormat.fromExtension(originalFileName.substring(dot + 1).trim());
                if (f.isPresent()) return f.get();
            }
        }
        return ImageFormat.PNG;
    }

    /** VOD's "no category" is -1 (its root) or absent; picspace's is 0, TOP's default category. */
    static long categoryArgument(Long cateId) {
        return cateId == null || cateId <= 0 ? Category.DEFAULT_ID : cateId;
    }

    /** vod.md §3.1: UserData is a JSON object (callbacks, Extend) of at most 1024 bytes. */
    private static void checkUserData(String userData) {
        if (userData == null) return;
        if (userData.getBytes(StandardCharsets.UTF_8).length > 1024)
            throw VodArguments.invalid("UserData", "UserData is longer than 1024 bytes.");
        try {
            if (!JSON.readTree(userData).isObject()) throw VodArguments.invalid("UserData", "UserData must be a JSON object.");
        } catch (IOException e) {
            throw VodArguments.invalid("UserData", "UserData is not valid JSON.");
        }
    }

    private static String base64Json(ObjectNode o) {
        return Base64.getEncoder().encodeToString(JsonTreeWriter.write(new Document("Json", o, false), false));
    }

    // ------------------------------------------------------------------ GetImageInfo(s) (§3.2, §3.3)

    private Picture livePicture(long tenantId, String imageId) {
        return space.metadata().findPictureByImageId(tenantId, imageId).filter(p -> !p.deleted())
                .orElseThrow(() -> new VodApiException(VodError.noSuchResource("No image " + imageId + " in this library.")));
    }

    private ObjectNode getImageInfo(Call c) {
        String imageId = c.args().requiredString("ImageId").trim();
        VodImages.UrlOptions o = VodImages.UrlOptions.of(c.args());
        Picture p = livePicture(c.tenantId(), imageId);
        Tenant t = space.tenant(c.tenantId());
        return ObjectNode.object().put("ImageInfo", images.imageInfo(p, t, images.categoryName(c.tenantId(), p.categoryId()), o));
    }

    private ObjectNode getImageInfos(Call c) {
        List<String> ids = c.args().requiredList("ImageIds", MAX_BATCH);
        VodImages.UrlOptions o = VodImages.UrlOptions.of(c.args());
        Tenant t = space.tenant(c.tenantId());
        Map<Long, String> names = images.categoryNames(c.tenantId());
        ListNode infos = ListNode.vodFlat();
        ListNode missing = ListNode.vodFlat();
        for (String id : ids) {
            Optional<Picture> p = space.metadata().findPictureByImageId(c.tenantId(), id).filter(x -> !x.deleted());
            if (p.isPresent()) infos.add(images.imageInfo(p.get(), t, names.get(p.get().categoryId()), o));
            else missing.add(id);
        }
        return ObjectNode.object().put("ImageInfo", infos).put("NonExistImageIds", missing);
    }

    // ------------------------------------------------------------------ UpdateImageInfos (§3.4)

    /** One validated item of UpdateContent; null fields are left as they are. */
    private record Update(String imageId, String title, String description, String tags, Long cateId) {}

    private ObjectNode updateImageInfos(Call c) {
        String content = c.args().requiredString("UpdateContent");
        JsonNode items;
        try {
            items = JSON.readTree(content);
        } catch (IOException e) {
            throw VodArguments.invalid("UpdateContent", "UpdateContent is not valid JSON.");
        }
        if (items == null || !items.isArray())
            throw VodArguments.invalid("UpdateContent", "UpdateContent must be a JSON array of {ImageId, Title, Description, Tags, CateId}.");
        if (items.isEmpty()) throw VodArguments.invalid("UpdateContent", "UpdateContent is an empty array.");
        if (items.size() > MAX_BATCH)
            throw VodArguments.invalid("UpdateContent", "UpdateContent holds " + items.size() + " items, at most " + MAX_BATCH + " are allowed.");
        // Every item is checked before any is applied: a bad one changes nothing.
        List<Update> updates = new ArrayList<>();
        for (JsonNode item : items) {
            if (!item.isObject()) throw VodArguments.invalid("UpdateContent", "Each UpdateContent item must be a JSON object.");
            String imageId = text(item, "ImageId");
            if (imageId == null || imageId.isBlank()) throw VodArguments.invalid("UpdateContent", "An UpdateContent item has no ImageId.");
            String title = text(item, "Title");
            String description = text(item, "Description");
            String tags = text(item, "Tags");
            Long cateId = null;
            if (item.hasNonNull("CateId")) {
                JsonNode n = item.get("CateId");
                try {
                    cateId = n.isIntegralNumber() ? n.longValue() : Long.parseLong(n.asText().trim());
                } catch (NumberFormatException e) {
                    throw VodArguments.invalid("UpdateContent", "CateId must be a number, not '" + n.asText() + "'.");
                }
                cateId = categoryArgument(cateId);
                if (cateId != Category.DEFAULT_ID) space.category(c.tenantId(), cateId); // InvalidCateId.NotFound
            }
            updates.add(new Update(imageId.trim(), title == null ? null : VodArguments.checkTitle(title),
                    description == null ? null : VodArguments.checkDescription(description),
                    tags == null ? null : VodArguments.checkTags(tags), cateId));
        }
        ListNode missing = ListNode.wrapped("ImageId"); // a wrapped array (vod.md §3.4)
        Set<String> listed = new LinkedHashSet<>();
        for (Update u : updates) {
            Optional<Picture> p = space.metadata().findPictureByImageId(c.tenantId(), u.imageId()).filter(x -> !x.deleted());
            boolean done = p.isPresent()
                    && space.updateInfo(c.tenantId(), p.get().pictureId(), u.title(), u.description(), u.tags(), u.cateId());
            if (!done && listed.add(u.imageId())) missing.add(u.imageId());
        }
        return ObjectNode.object().put("NonExistImageIds", missing);
    }

    private static String text(JsonNode item, String field) {
        JsonNode n = item.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw VodArguments.invalid("UpdateContent", field + " must be a string.");
        return n.textValue();
    }

    // ------------------------------------------------------------------ DeleteImage (§3.5)

    /**
     * Batch rule (undocumented by VOD; picspace's, the same as taobao.picture.delete): every image
     * of the batch that exists is deleted; the call fails with NoSuchResource only when none does.
     * Deleted images go to the recycle bin shared with TOP (space released at once).
     */
    private ObjectNode deleteImage(Call c) {
        String type = c.args().requiredString("DeleteImageType");
        List<Long> pictureIds = new ArrayList<>();
        switch (type) {
            case "ImageId" -> {
                for (String id : c.args().requiredList("ImageIds", MAX_BATCH))
                    space.metadata().findPictureByImageId(c.tenantId(), id).filter(p -> !p.deleted())
                            .ifPresent(p -> pictureIds.add(p.pictureId()));
            }
            case "ImageURL" -> {
                for (String url : c.args().requiredList("ImageURLs", MAX_BATCH))
                    pictureOfUrl(c.tenantId(), decodeOnce(url)).ifPresent(p -> pictureIds.add(p.pictureId()));
            }
            case "VideoId" -> throw new VodApiException(VodError.videoNotFound());
            default -> throw VodArguments.invalid("DeleteImageType",
                    "DeleteImageType must be ImageId, ImageURL or VideoId, not '" + type + "'.");
        }
        if (pictureIds.isEmpty() || space.delete(c.tenantId(), pictureIds) == 0)
            throw new VodApiException(VodError.noSuchResource("None of the images exists in this library."));
        return ObjectNode.object();
    }

    /** vod.md §3.5: each URL is URL-encoded before the commas join them. A raw one passes unchanged. */
    private static String decodeOnce(String url) {
        try {
            return URLDecoder.decode(url, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return url;
        }
    }

    /** A picture URL ({@code /i/<token>.<ext>}, ImageURL/URL) or an object URL ({@code /<bucket>/image/…}, FileURL). */
    private Optional<Picture> pictureOfUrl(long tenantId, String url) {
        Optional<String> token = PictureUrls.tokenOf(url);
        if (token.isPresent())
            return space.metadata().findPictureByUrlToken(token.get())
                    .filter(p -> p.tenantId() == tenantId && !p.deleted());
        String path;
        try {
            path = URI.create(url.trim()).getPath();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (path == null) return Optional.empty();
        String prefix = "/" + urls.bucket() + "/";
        String key = path.startsWith(prefix) ? path.substring(prefix.length()) : path.replaceFirst("^/", "");
        return MediaUrls.imageIdOf(key).flatMap(id -> space.metadata().findPictureByImageId(tenantId, id))
                .filter(p -> !p.deleted());
    }

    // ------------------------------------------------------------------ SearchMedia (§3.6)

    private ObjectNode searchMedia(Call c) {
        VodArguments a = c.args();
        String searchType = a.string("SearchType");
        if (searchType == null) searchType = "video"; // the documented default
        switch (searchType) {
            case "image" -> { }
            // picspace keeps images only: a search for other media finds none (not an error)
            case "video", "audio", "attached" -> { return emptySearch(); }
            default -> throw VodArguments.invalid("SearchType", "SearchType must be video, audio, image or attached.");
        }
        String match = a.string("Match");
        PictureFilter filter = MatchParser.parse(match, VodImages.APP_ID, images.storageLocation);
        List<PictureSearch.Sort> sorts = sorts(a.string("SortBy"));
        int pageSize = (int) a.longValue("PageSize", 10, 1, 100);
        String scrollToken = a.string("ScrollToken");
        PictureSearch.Position after = null;
        long offset = 0;
        String traversal = sorts.size() == 1 ? ScrollToken.traversal(c.tenantId(), sorts.get(0), match) : null;
        if (scrollToken != null) {
            if (sorts.size() > 1) throw new VodApiException(VodError.sortByExceeded());
            after = ScrollToken.decode(scrollToken.trim(), traversal)
                    .orElseThrow(() -> new VodApiException(VodError.scrollTokenExpired()));
        } else {
            long pageNo = a.longValue("PageNo", 1, 1, MAX_PAGED_RESULTS);
            offset = (pageNo - 1) * pageSize;
            if (offset + pageSize > MAX_PAGED_RESULTS)
                throw VodArguments.invalid("PageNo", "Only the first " + MAX_PAGED_RESULTS
                        + " results are reachable by PageNo and PageSize; continue with the ScrollToken of the previous page.");
        }
        Set<String> fields = fields(a.string("Fields"));
        List<Picture> page = space.search(c.tenantId(), new PictureSearch(filter, sorts, after, offset, pageSize));
        long total = space.countMatching(c.tenantId(), filter);
        Tenant t = space.tenant(c.tenantId());
        Map<Long, String> names = page.isEmpty() ? Map.of() : images.categoryNames(c.tenantId());
        ListNode list = ListNode.vodFlat(); // a flat array (vod.md §3.6)
        for (Picture p : page) {
            list.add(ObjectNode.object()
                    .put("MediaType", "image")
                    .put("MediaId", p.imageId())
                    .put("CreationTime", VodTime.format(p.created()))
                    .put("Image", images.searchImage(p, t, names.get(p.categoryId()), fields)));
        }
        ObjectNode body = ObjectNode.object().put("Total", total);
        // The position after this page's last image: the next page, however deep (single sorts only).
        if (!page.isEmpty() && traversal != null) {
            PictureSearch s = new PictureSearch(filter, sorts, null, 0, 1);
            body.put("ScrollToken", ScrollToken.encode(s.positionOf(page.get(page.size() - 1)), traversal));
        }
        return body.put("MediaList", list);
    }

    private static ObjectNode emptySearch() {
        return ObjectNode.object().put("Total", 0L).put("MediaList", ListNode.vodFlat());
    }

    /** {@code CreationTime:Desc} (default), {@code CreationTime:Asc}, {@code ModificationTime:…}; up to 3, comma-separated. */
    private static List<PictureSearch.Sort> sorts(String sortBy) {
        if (sortBy == null) return List.of(new PictureSearch.Sort(PictureFilter.TimeField.CREATED, true));
        List<PictureSearch.Sort> sorts = new ArrayList<>();
        Set<PictureFilter.TimeField> seen = new LinkedHashSet<>();
        for (String part : VodArguments.split(sortBy)) {
            String[] fd = part.split(":", -1);
            String field = fd[0].trim();
            String dir = fd.length > 1 ? fd[1].trim().toLowerCase(Locale.ROOT) : "desc";
            PictureFilter.TimeField f = switch (field) {
                case "CreationTime" -> PictureFilter.TimeField.CREATED;
                case "ModificationTime" -> PictureFilter.TimeField.MODIFIED;
                default -> throw VodArguments.invalid("SortBy", "Images sort by CreationTime or ModificationTime, not '" + field + "'.");
            };
            if (fd.length > 2 || (!dir.equals("asc") && !dir.equals("desc")))
                throw VodArguments.invalid("SortBy", "SortBy is Field:Asc or Field:Desc, not '" + part + "'.");
            if (seen.add(f)) sorts.add(new PictureSearch.Sort(f, dir.equals("desc")));
        }
        if (sorts.isEmpty()) throw VodArguments.invalid("SortBy", "SortBy is empty.");
        return sorts;
    }

    /** {@code Fields}: the Image fields wanted besides ImageId; names SearchMedia does not know are ignored. */
    private static Set<String> fields(String fields) {
        if (fields == null) return null;
        Set<String> wanted = new LinkedHashSet<>();
        for (String f : VodArguments.split(fields)) if (VodImages.SEARCH_FIELDS.contains(f)) wanted.add(f);
        return wanted;
    }
}
