package dev.picspace.gateway.vod;

import dev.picspace.domain.Category;
import dev.picspace.domain.CategoryQuery;
import dev.picspace.domain.PictureSpace;
import dev.picspace.gateway.tree.ListNode;
import dev.picspace.gateway.tree.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The VOD category actions (vod.md §3.7) over the tenant's one category tree, which TOP sees too.
 *
 * <p>Mapping: VOD's root is {@code ParentId -1}, picspace's is 0; {@code Level} is 0 for a
 * category under the root, 1 below it, 2 below that. Type: TOP's two system categories
 * (auction 宝贝图片, fixed 店铺装修) are built-in level-1 categories, exactly what VOD's
 * {@code material} tree has, so they and everything under them are {@code material} (two levels);
 * every other tree is {@code default} (three levels). Neither dialect may rename or delete the
 * system categories. VOD's limits (≤100 subcategories, 64-byte names, the levels) apply to what
 * VOD creates; what TOP creates keeps TOP's.
 */
final class VodCategories {
    static final long ROOT = -1;
    static final int MAX_SUBCATEGORIES = 100;
    static final int DEFAULT_LEVELS = 3, MATERIAL_LEVELS = 2;
    static final int MAX_NAME_BYTES = 64;

    private final PictureSpace space;

    VodCategories(PictureSpace space) { this.space = space; }

    /** The tenant's whole tree (at most a few hundred rows), for levels, types and subcategory counts. */
    private final class Tree {
        final Map<Long, Category> byId = new HashMap<>();
        final Map<Long, List<Category>> children = new HashMap<>();

        Tree(long tenantId) {
            for (Category c : space.categories(tenantId, CategoryQuery.all())) {
                byId.put(c.id(), c);
                children.computeIfAbsent(c.parentId(), k -> new ArrayList<>()).add(c);
            }
        }

        Category get(long id) {
            Category c = byId.get(id);
            if (c == null) throw new VodApiException(VodError.cateIdNotFound("No category " + id + " in this library."));
            return c;
        }

        /** VOD Level: 0 under the root. */
        long level(Category c) {
            long level = 0;
            for (Category p = byId.get(c.parentId()); p != null && level < 64; p = byId.get(p.parentId())) level++;
            return level;
        }

        boolean material(Category c) {
            Category top = c;
            for (int i = 0; i < 64 && byId.containsKey(top.parentId()); i++) top = byId.get(top.parentId());
            return top.isSystem();
        }

        String type(Category c) { return material(c) ? "material" : "default"; }

        List<Category> childrenOf(long parentId) { return children.getOrDefault(parentId, List.of()); }

        ObjectNode node(Category c, boolean withSubTotal) {
            ObjectNode o = ObjectNode.object()
                    .put("CateId", VodImages.id(c.id()))
                    .put("CateName", c.name())
                    .put("ParentId", VodImages.id(c.parentId() == Category.DEFAULT_ID ? ROOT : c.parentId()))
                    .put("Level", level(c));
            if (withSubTotal) o.put("SubTotal", (long) childrenOf(c.id()).size());
            return o.put("Type", type(c));
        }
    }

    private static String type(VodArguments a) {
        String t = a.string("Type");
        if (t != null && !t.equals("default") && !t.equals("material"))
            throw VodArguments.invalid("Type", "Type must be default or material, not '" + t + "'.");
        return t;
    }

    private static String cateName(VodArguments a) {
        String name = a.requiredString("CateName").strip();
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES)
            throw VodArguments.invalid("CateName", "CateName is longer than " + MAX_NAME_BYTES + " bytes (UTF-8).");
        VodArguments.checkNoControlCharacters("CateName", name);
        return name;
    }

    ObjectNode add(VodActions.Call c) {
        VodArguments a = c.args();
        String name = cateName(a);
        String type = type(a);
        Long parentArg = a.longValue("ParentId");
        long parent = parentArg == null || parentArg == ROOT ? Category.DEFAULT_ID : parentArg;
        boolean material;
        if (parent == Category.DEFAULT_ID) {
            if ("material".equals(type))
                throw new VodApiException(VodError.missingParameter("ParentId")); // level-1 material categories are built in
            material = false;
        } else {
            Tree tree = new Tree(c.tenantId());
            material = tree.material(tree.get(parent));
            if (type != null && type.equals("material") != material)
                throw VodArguments.invalid("Type", "Category " + parent + " is a " + (material ? "material" : "default")
                        + " category; its subcategories are too.");
        }
        Category added = space.addCategory(c.tenantId(), name, parent, material ? MATERIAL_LEVELS : DEFAULT_LEVELS, MAX_SUBCATEGORIES);
        return ObjectNode.object().put("Category", new Tree(c.tenantId()).node(added, false));
    }

    ObjectNode update(VodActions.Call c) {
        long id = c.args().requiredLong("CateId");
        String name = cateName(c.args());
        Category cat = new Tree(c.tenantId()).get(id);
        if (cat.isSystem())
            throw new VodApiException(VodError.forbidden("Built-in categories cannot be renamed."));
        space.updateCategory(c.tenantId(), id, name, null);
        return ObjectNode.object();
    }

    /** Deletes the category and all its subcategories; their images become uncategorised (CateId 0). */
    ObjectNode delete(VodActions.Call c) {
        long id = c.args().requiredLong("CateId");
        Category cat = new Tree(c.tenantId()).get(id);
        if (cat.isSystem())
            throw new VodApiException(VodError.forbidden("Built-in categories cannot be deleted."));
        if (!space.deleteCategory(c.tenantId(), id))
            throw new VodApiException(VodError.cateIdNotFound("No category " + id + " in this library."));
        return ObjectNode.object();
    }

    ObjectNode get(VodActions.Call c) {
        VodArguments a = c.args();
        long id = a.longValue("CateId", ROOT, Long.MIN_VALUE, Long.MAX_VALUE);
        long pageNo = a.longValue("PageNo", 1, 1, Integer.MAX_VALUE);
        int pageSize = (int) a.longValue("PageSize", 10, 1, 100);
        String sortBy = a.string("SortBy");
        boolean desc;
        if (sortBy == null || sortBy.equals("CreationTime:Desc")) desc = true;
        else if (sortBy.equals("CreationTime:Asc")) desc = false;
        else throw VodArguments.invalid("SortBy", "SortBy must be CreationTime:Desc or CreationTime:Asc, not '" + sortBy + "'.");
        String type = type(a);
        Tree tree = new Tree(c.tenantId());
        ObjectNode body = ObjectNode.object();
        List<Category> subs;
        if (id == ROOT) {
            boolean material = "material".equals(type);
            subs = tree.childrenOf(Category.DEFAULT_ID).stream().filter(x -> tree.material(x) == material).toList();
        } else {
            Category cat = tree.get(id);
            body.put("Category", tree.node(cat, false));
            subs = tree.childrenOf(cat.id());
        }
        Comparator<Category> order = Comparator.comparing(Category::created).thenComparingLong(Category::id);
        List<Category> sorted = new ArrayList<>(subs);
        sorted.sort(desc ? order.reversed() : order);
        ListNode page = ListNode.wrapped("Category"); // a wrapped array (vod.md §3.7)
        long from = (pageNo - 1) * pageSize;
        for (long i = from; i < sorted.size() && i < from + pageSize; i++) page.add(tree.node(sorted.get((int) i), true));
        return body.put("SubTotal", (long) sorted.size()).put("SubCategories", page);
    }
}
