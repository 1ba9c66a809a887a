package dev.picspace.gateway.top;

import dev.picspace.domain.Category;
import dev.picspace.domain.CategoryQuery;
import dev.picspace.domain.CategoryType;
import dev.picspace.domain.Exceptions;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.PictureSpace;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.UploadSpec;
import dev.picspace.gateway.PictureUrls;
import dev.picspace.gateway.http.FilePart;
import dev.picspace.gateway.tree.ListNode;
import dev.picspace.gateway.tree.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code taobao.picture.*} methods (top.md §5): each reads its arguments, calls the
 * {@link PictureSpace}, and builds the body of its {@code *_response}.
 */
final class TopMethods {
    /** What a method needs: whose space, its arguments, and whether URLs should be https. */
    record Call(long tenantId, TopArguments args) {}

    private final PictureSpace space;
    private final PictureUrls urls;
    private final Map<String, Function<Call, ObjectNode>> methods;

    TopMethods(PictureSpace space, PictureUrls urls) {
        this.space = space;
        this.urls = urls;
        this.methods = Map.ofEntries(
                Map.entry("taobao.picture.upload", this::upload),
                Map.entry("taobao.picture.get", this::get),
                Map.entry("taobao.picture.pictures.get", this::picturesGet),
                Map.entry("taobao.picture.pictures.count", this::picturesCount),
                Map.entry("taobao.picture.delete", this::delete),
                Map.entry("taobao.picture.update", this::update),
                Map.entry("taobao.picture.replace", this::replace),
                Map.entry("taobao.picture.isreferenced.get", this::isReferenced),
                Map.entry("taobao.picture.referenced.get", this::referenced),
                Map.entry("taobao.picture.changecategory", this::changeCategory),
                Map.entry("taobao.picture.category.add", this::categoryAdd),
                Map.entry("taobao.picture.category.get", this::categoryGet),
                Map.entry("taobao.picture.category.update", this::categoryUpdate),
                Map.entry("taobao.picture.category.delete", this::categoryDelete),
                Map.entry("taobao.picture.userinfo.get", this::userInfo));
    }

    boolean exists(String method) { return methods.containsKey(method); }

    ObjectNode invoke(String method, Call call) { return methods.get(method).apply(call); }

    // ------------------------------------------------------------------ pictures

    private ObjectNode upload(Call c) {
        TopArguments a = c.args();
        long categoryId = a.longValue("picture_category_id", -1, 0, Long.MAX_VALUE);
        if (categoryId < 0) throw new TopApiException(TopError.missingArgument("picture_category_id"));
        FilePart img = a.requiredFile("img");
        String inputTitle = a.requiredString("image_input_title");
        String title = a.string("title");
        String clientType = a.string("client_type");
        boolean https = Boolean.TRUE.equals(a.bool("is_https"));
        Long replaceId = a.longValue("picture_id");
        Picture p;
        try (InputStream in = img.open()) {
            // top.md §5.1: picture_id > 0 that names an existing picture makes this a replace.
            if (replaceId != null && replaceId > 0 && space.picture(c.tenantId(), replaceId).filter(x -> !x.deleted()).isPresent()) {
                p = space.replace(c.tenantId(), replaceId, in);
            } else {
                p = space.upload(c.tenantId(), in, new UploadSpec(inputTitle, title, categoryId, clientType, null, null, null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ObjectNode.object().put("picture", pictureNode(p, https));
    }

    private ObjectNode get(Call c) {
        TopArguments a = c.args();
        PictureQuery q = query(a, "page_no", "modified_time");
        boolean https = Boolean.TRUE.equals(a.bool("is_https"));
        List<Picture> found = space.find(c.tenantId(), q);
        long total = space.count(c.tenantId(), q);
        return ObjectNode.object().put("pictures", pictureList(found, https)).put("totalResults", total);
    }

    private ObjectNode picturesGet(Call c) {
        TopArguments a = c.args();
        PictureQuery q = query(a, "current_page", "start_modified_date");
        boolean https = Boolean.TRUE.equals(a.bool("is_https"));
        return ObjectNode.object().put("pictures", pictureList(space.find(c.tenantId(), q), https));
    }

    private ObjectNode picturesCount(Call c) {
        PictureQuery q = query(c.args(), null, "start_modified_date");
        return ObjectNode.object().put("totals", space.count(c.tenantId(), q));
    }

    /** The filters shared by picture.get, pictures.get and pictures.count (top.md §5.2–5.4, seed 001). */
    private PictureQuery query(TopArguments a, String pageParam, String modifiedParam) {
        Long pictureId = a.longValue("picture_id");
        Long categoryId = a.longValue("picture_category_id");
        Boolean deleted = deletedFilter(a.string("deleted"));
        Instant modifiedAfter = a.date(modifiedParam);
        String title = a.string("title");
        if (title != null && title.codePointCount(0, title.length()) > 50)
            throw new TopApiException(TopError.invalidArgument("title", "the string length of title can not be larger than 50"));
        Instant from = a.date("start_date"), to = a.date("end_date");
        String clientType = a.string("client_type");
        if (clientType != null) {
            switch (clientType) {
                case "client:all" -> clientType = null;
                case PictureSpace.CLIENT_COMPUTER, PictureSpace.CLIENT_PHONE -> { }
                default -> throw new TopApiException(TopError.invalidArgument("client_type",
                        "client_type must be client:all, client:computer or client:phone"));
            }
        }
        List<String> tokens = null;
        String urlList = a.string("urls");
        if (urlList != null) {
            tokens = new ArrayList<>();
            for (String u : urlList.split(",")) PictureUrls.tokenOf(u).ifPresent(tokens::add);
            if (tokens.isEmpty()) tokens.add("-"); // URLs given but none of ours: match nothing
        }
        PictureQuery.Order order = order(a.string("order_by"));
        int pageNo = pageParam == null ? 1 : (int) a.longValue(pageParam, 1, 1, 1_000_000);
        int pageSize = pageParam == null ? 40 : (int) a.longValue("page_size", 40, 1, 100);
        return new PictureQuery(pictureId, categoryId, deleted, modifiedAfter, title, from, to, clientType, tokens,
                order, pageNo, pageSize);
    }

    /**
     * top.md §7.2: the documents disagree ("unfroze", "undeleted", "deleted" all documented as
     * "not deleted" somewhere); picspace reads unfroze/undeleted/0/false as live and
     * deleted/1/true/froze as the recycle bin, and emits "0"/"1".
     */
    private static Boolean deletedFilter(String v) {
        if (v == null) return null;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "unfroze", "undeleted", "0", "false", "normal" -> Boolean.FALSE;
            case "deleted", "1", "true", "froze" -> Boolean.TRUE;
            default -> throw new TopApiException(TopError.invalidArgument("deleted", "deleted must be undeleted or deleted"));
        };
    }

    private static PictureQuery.Order order(String v) {
        if (v == null) return PictureQuery.Order.TIME_DESC;
        return switch (v.trim()) {
            case "time:desc" -> PictureQuery.Order.TIME_DESC;
            case "time:asc" -> PictureQuery.Order.TIME_ASC;
            case "sizes:desc" -> PictureQuery.Order.SIZE_DESC;
            case "sizes:asc" -> PictureQuery.Order.SIZE_ASC;
            default -> throw new TopApiException(TopError.invalidArgument("order_by",
                    "order_by must be time:desc, time:asc, sizes:desc or sizes:asc"));
        };
    }

    private ListNode pictureList(List<Picture> pictures, boolean https) {
        ListNode list = ListNode.topList("picture");
        for (Picture p : pictures) list.add(pictureNode(p, https));
        return list;
    }

    private ObjectNode pictureNode(Picture p, boolean https) {
        return ObjectNode.object()
                .put("picture_id", p.pictureId())
                .put("picture_category_id", p.categoryId())
                .put("picture_path", urls.urlOf(p, https))
                .put("title", p.title())
                .put("sizes", p.sizeBytes())
                .put("pixel", p.width() + "x" + p.height())
                .put("status", status(p))
                .put("deleted", deleted(p))
                .put("client_type", p.clientType())
                .put("created", TopTimestamp.format(p.created()))
                .put("modified", TopTimestamp.format(p.modified()))
                .put("md5", p.md5() == null ? "" : p.md5())
                .put("referenced", p.referenced());
    }

    /** top.md §7.1: modern live data says "0" for a normal picture; picspace has no freezing. */
    private static String status(Picture p) { return p.status() == PictureStatus.NORMAL ? "0" : "1"; }

    private static String deleted(Picture p) { return p.deleted() ? "1" : "0"; }

    private ObjectNode delete(Call c) {
        List<Long> ids = c.args().requiredIdList("picture_ids", 100);
        int n = space.delete(c.tenantId(), ids);
        if (n == 0) throw new TopApiException(TopError.pictureService("PICTURE_NOT_EXIST", "none of the pictures exist"));
        return ObjectNode.object().put("success", true);
    }

    private ObjectNode update(Call c) {
        long id = c.args().requiredLong("picture_id");
        String name = c.args().requiredString("new_name");
        if (name.codePointCount(0, name.length()) > 50)
            throw new TopApiException(TopError.invalidArgument("new_name", "the string length of new_name can not be larger than 50"));
        space.rename(c.tenantId(), id, name);
        return ObjectNode.object().put("done", true);
    }

    private ObjectNode replace(Call c) {
        long id = c.args().requiredLong("picture_id");
        if (id <= 0) throw new TopApiException(TopError.invalidArgument("picture_id", "picture_id must be greater than 0"));
        FilePart data = c.args().requiredFile("image_data");
        try (InputStream in = data.open()) {
            space.replace(c.tenantId(), id, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ObjectNode.object().put("done", true);
    }

    private ObjectNode isReferenced(Call c) {
        Picture p = space.livePicture(c.tenantId(), c.args().requiredLong("picture_id"));
        return ObjectNode.object().put("is_referenced", p.referenced());
    }

    /** Legacy (top.md §5.9). picspace records no item references, so the list is empty unless referenced. */
    private ObjectNode referenced(Call c) {
        Picture p = space.livePicture(c.tenantId(), c.args().requiredLong("picture_id"));
        ListNode refs = ListNode.topList("reference_detail");
        return ObjectNode.object().put("references", refs).put("is_referenced", p.referenced());
    }

    private ObjectNode changeCategory(Call c) {
        List<Long> ids = c.args().requiredIdList("picture_ids", 1000);
        long categoryId = c.args().requiredLong("picture_category_id");
        int moved = space.changeCategory(c.tenantId(), ids, categoryId);
        // top.md §5.10: "部分移动成功为true，全部移动失败为false"
        return ObjectNode.object().put("done", moved > 0);
    }

    // ------------------------------------------------------------------ categories

    private static void checkCategoryName(String param, String name) {
        if (TopArguments.doubleWidthLength(name) > 20)
            throw new TopApiException(TopError.invalidArgument(param,
                    "the length of " + param + " can not be larger than 20 (a Chinese character counts 2)"));
    }

    private ObjectNode categoryAdd(Call c) {
        String name = c.args().requiredString("picture_category_name").strip();
        checkCategoryName("picture_category_name", name);
        long parent = c.args().longValue("parent_id", 0, 0, Long.MAX_VALUE);
        Category cat = space.addCategory(c.tenantId(), name, parent);
        return ObjectNode.object().put("picture_category", categoryNode(cat, 0));
    }

    private ObjectNode categoryGet(Call c) {
        TopArguments a = c.args();
        Long parent = a.longValue("parent_id");
        if (parent != null && parent < 0) parent = null; // top.md §5.12: -1 / absent = the whole tree
        CategoryType type = null;
        String t = a.string("type");
        if (t != null) type = CategoryType.fromWire(t).orElseThrow(() -> new TopApiException(
                TopError.invalidArgument("type", "type must be auction, fixed or user-define")));
        CategoryQuery q = new CategoryQuery(a.longValue("picture_category_id"), a.string("picture_category_name"), type,
                parent, a.date("modified_time"));
        List<Category> cats = space.categories(c.tenantId(), q);
        Map<Long, Long> totals = space.metadata().countPicturesByCategory(c.tenantId());
        ListNode list = ListNode.topList("picture_category");
        for (Category cat : cats) list.add(categoryNode(cat, totals.getOrDefault(cat.id(), 0L)));
        return ObjectNode.object().put("picture_categories", list);
    }

    private static ObjectNode categoryNode(Category cat, long total) {
        return ObjectNode.object()
                .put("picture_category_id", cat.id())
                .put("picture_category_name", cat.name())
                .put("type", cat.type().wireName())
                .put("parent_id", cat.parentId())
                .put("position", (long) cat.position())
                .put("total", total)
                .put("created", TopTimestamp.format(cat.created()))
                .put("modified", TopTimestamp.format(cat.modified()));
    }

    private ObjectNode categoryUpdate(Call c) {
        long id = c.args().requiredLong("category_id");
        String name = c.args().string("category_name");
        if (name != null) checkCategoryName("category_name", name.strip());
        Long parent = c.args().longValue("parent_id");
        if (name == null && parent == null)
            throw new TopApiException(TopError.missingArgument("category_name"));
        Category cat = space.category(c.tenantId(), id);
        if (cat.isSystem() && name != null && !name.strip().equals(cat.name()))
            throw new TopApiException(TopError.pictureService("CATEGORY_CAN_NOT_UPDATE", "system categories cannot be renamed"));
        space.updateCategory(c.tenantId(), id, name == null ? null : name.strip(), parent);
        return ObjectNode.object().put("done", true);
    }

    /** Legacy (top.md §5.14): comma-separated ids, at most 100. */
    private ObjectNode categoryDelete(Call c) {
        List<Long> ids = c.args().requiredIdList("picture_category_ids", 100);
        int n = 0;
        for (long id : ids) {
            Category cat = space.category(c.tenantId(), id);
            if (cat.isSystem()) throw new TopApiException(TopError.pictureService("CATEGORY_CAN_NOT_DELETE",
                    "system categories cannot be deleted"));
            if (space.deleteCategory(c.tenantId(), id)) n++;
        }
        return ObjectNode.object().put("done", n > 0);
    }

    // ------------------------------------------------------------------ space

    private ObjectNode userInfo(Call c) {
        Tenant t = space.tenant(c.tenantId());
        ObjectNode info = ObjectNode.object()
                .put("order_space", SpaceUnits.format(t.orderedBytes()))
                .put("used_space", SpaceUnits.format(t.usedBytes()))
                .put("remaining_space", SpaceUnits.format(t.remainingBytes()))
                .put("available_space", SpaceUnits.format(t.availableBytes()))
                .put("free_space", SpaceUnits.format(t.freeBytes()))
                .put("order_expiry_date", t.orderExpiry() == null ? "" : TopTimestamp.formatChineseDate(t.orderExpiry()))
                .put("water_mark", t.watermark() == null ? "" : t.watermark().toWireString());
        return ObjectNode.object().put("user_info", info);
    }

    /** Maps a domain failure to its TOP error (business errors are code 15 + sub_code, top.md §4). */
    static TopError errorFor(RuntimeException e) {
        if (e instanceof TopApiException t) return t.error;
        if (e instanceof Exceptions.QuotaExceededException)
            return TopError.pictureService("PICTURE_OVER_AVAILSPACE", "图片空间容量不足: " + e.getMessage());
        if (e instanceof Exceptions.CategoryNotFoundException)
            return TopError.pictureService("CATEGORY_NOTEXIST", e.getMessage());
        if (e instanceof Exceptions.PictureNotFoundException)
            return TopError.pictureService("PICTURE_NOT_EXIST", e.getMessage());
        if (e instanceof Exceptions.DuplicateCategoryNameException)
            return TopError.pictureService("CATEGORY_NAME_DUPLICATE", e.getMessage());
        if (e instanceof Exceptions.CategoryRuleException)
            return TopError.pictureService("CATEGORY_OPERATE_FAILED", e.getMessage());
        if (e instanceof Exceptions.ImageLimitExceededException)
            return TopError.business("isv.invalid-parameter:img", e.getMessage());
        if (e instanceof Exceptions.InvalidImageException)
            return TopError.business("isv.invalid-parameter:img", e.getMessage());
        if (e instanceof Exceptions.InvalidArgumentException ia)
            return TopError.business("isv.invalid-parameter:" + ia.argument(), e.getMessage());
        return null;
    }
}
