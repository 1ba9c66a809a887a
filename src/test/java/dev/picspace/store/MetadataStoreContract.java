package dev.picspace.store;

import dev.picspace.domain.Category;
import dev.picspace.domain.CategoryQuery;
import dev.picspace.domain.CategoryType;
import dev.picspace.domain.Exceptions.CategoryNotFoundException;
import dev.picspace.domain.Exceptions.CategoryRuleException;
import dev.picspace.domain.Exceptions.DuplicateCategoryNameException;
import dev.picspace.domain.Exceptions.DuplicateTenantException;
import dev.picspace.domain.Exceptions.PictureNotFoundException;
import dev.picspace.domain.Exceptions.QuotaExceededException;
import dev.picspace.domain.Exceptions.TenantNotFoundException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.MetadataStore.BlobAttachment;
import dev.picspace.domain.MetadataStore.BlobRecord;
import dev.picspace.domain.MetadataStore.Mismatch;
import dev.picspace.domain.MetadataStore.TenantSpec;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.PictureSearch;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.domain.Watermark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link MetadataStore} must do, written against the interface alone. A database
 * gets its tests by extending this class and saying how to open a store on an empty database.
 */
abstract class MetadataStoreContract {

    /** A store on a new, empty database; called once per test. */
    protected abstract MetadataStore openStore();

    /**
     * A second, independent store (own pools, as another process would have) on the database
     * {@link #openStore} opened.
     */
    protected abstract MetadataStore openAnotherStoreOnTheSameDatabase();

    /**
     * Runs SQL on that database directly, bypassing the store, with foreign keys not enforced:
     * how the tests make the drift that fsck must find (as a crash or a hand edit would).
     */
    protected abstract void executeSql(String sql);

    protected static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    /** Ids above 2^53, as real ones are. */
    static final AtomicLong IDS = new AtomicLong(1L << 60);

    protected MetadataStore store;
    private final List<MetadataStore> others = new ArrayList<>();

    @BeforeEach
    void openTheStore() { store = openStore(); }

    @AfterEach
    void closeTheStores() {
        others.forEach(MetadataStore::close);
        if (store != null) store.close();
    }

    protected MetadataStore anotherStore() {
        MetadataStore s = openAnotherStoreOnTheSameDatabase();
        others.add(s);
        return s;
    }

    // ================================================================ fixtures

    static long nextId() { return IDS.incrementAndGet(); }

    static String hex(int bytes, String seed) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < bytes; i++) b.append(String.format("%02x", d[i % d.length]));
            return b.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A blob key (sha256 hex) made from a seed. */
    static String key(String seed) { return hex(32, "blob:" + seed); }

    protected Tenant newTenant(String nick, long orderedBytes, long freeBytes) {
        return newTenant(store, nick, orderedBytes, freeBytes);
    }

    protected static Tenant newTenant(MetadataStore s, String nick, long orderedBytes, long freeBytes) {
        return s.createTenant(spec(nick, orderedBytes, freeBytes));
    }

    static TenantSpec spec(String nick, long orderedBytes, long freeBytes) {
        List<Category> system = List.of(
                new Category(nextId(), 0, 0, CategoryType.AUCTION.systemName(), CategoryType.AUCTION, 0, T0, T0),
                new Category(nextId(), 0, 0, CategoryType.FIXED.systemName(), CategoryType.FIXED, 1, T0, T0));
        return new TenantSpec(nick, orderedBytes, freeBytes, LocalDate.of(2027, 9, 5), false,
                "k" + hex(6, nick + nextId()), "secret-" + nick, "session-" + nick,
                "LTAI" + hex(10, nick + nextId()), "vod-secret-" + nick, T0, system);
    }

    /** A picture with every field set; tests change what they care about. */
    static final class PictureBuilder {
        long pictureId = nextId();
        String imageId = hex(16, "image" + pictureId);
        long tenantId;
        long categoryId = Category.DEFAULT_ID;
        String urlToken = hex(10, "token" + pictureId);
        String title = "picture " + pictureId;
        String description = "a description";
        String tags = "a,b";
        String imageType = "default";
        PictureStatus status = PictureStatus.NORMAL;
        ImageFormat format = ImageFormat.JPEG;
        int width = 640, height = 480, frames = 1;
        long size = 1000;
        String md5 = hex(16, "md5" + pictureId);
        String blobKey = key("p" + pictureId);
        String originalFileName = "photo.jpg";
        String clientType = "client:computer";
        boolean referenced;
        Instant deletedAt;
        Instant created = T0;
        Instant modified = T0;

        PictureBuilder(long tenantId) { this.tenantId = tenantId; }

        PictureBuilder size(long n) { size = n; return this; }
        PictureBuilder blob(String k) { blobKey = k; return this; }
        PictureBuilder category(long c) { categoryId = c; return this; }
        PictureBuilder title(String t) { title = t; return this; }
        PictureBuilder created(Instant i) { created = i; modified = i; return this; }
        PictureBuilder modified(Instant i) { modified = i; return this; }
        PictureBuilder client(String c) { clientType = c; return this; }
        PictureBuilder tags(String t) { tags = t; return this; }
        PictureBuilder description(String d) { description = d; return this; }
        PictureBuilder fileName(String n) { originalFileName = n; return this; }
        PictureBuilder uploading() { status = PictureStatus.UPLOADING; blobKey = null; md5 = null; format = null; size = 0; width = 0; height = 0; frames = 0; return this; }

        Picture build() {
            return new Picture(pictureId, imageId, tenantId, categoryId, urlToken, title, description, tags, imageType,
                    status, format, width, height, frames, size, md5, blobKey, originalFileName, clientType, referenced,
                    deletedAt, created, modified);
        }
    }

    static PictureBuilder picture(long tenantId) { return new PictureBuilder(tenantId); }

    protected Picture insert(PictureBuilder b) {
        Picture p = b.build();
        store.insertPicture(p);
        return p;
    }

    protected long used(long tenantId) { return store.findTenant(tenantId).orElseThrow().usedBytes(); }

    protected long refs(String key) { return store.findBlob(key).map(BlobRecord::refCount).orElse(-1L); }

    static PictureQuery query(UnaryOperator<QueryBuilder> f) { return f.apply(new QueryBuilder()).build(); }

    static final class QueryBuilder {
        Long pictureId, categoryId;
        Boolean deleted;
        Instant modifiedAfter, createdFrom, createdTo;
        String titleLike, clientType;
        List<String> urlTokens;
        PictureQuery.Order order = PictureQuery.Order.TIME_DESC;
        int pageNo = 1, pageSize = 40;

        QueryBuilder pictureId(long id) { pictureId = id; return this; }
        QueryBuilder category(long id) { categoryId = id; return this; }
        QueryBuilder deleted(Boolean d) { deleted = d; return this; }
        QueryBuilder modifiedAfter(Instant i) { modifiedAfter = i; return this; }
        QueryBuilder created(Instant from, Instant to) { createdFrom = from; createdTo = to; return this; }
        QueryBuilder title(String t) { titleLike = t; return this; }
        QueryBuilder client(String c) { clientType = c; return this; }
        QueryBuilder tokens(List<String> t) { urlTokens = t; return this; }
        QueryBuilder order(PictureQuery.Order o) { order = o; return this; }
        QueryBuilder page(int no, int size) { pageNo = no; pageSize = size; return this; }

        PictureQuery build() {
            return new PictureQuery(pictureId, categoryId, deleted, modifiedAfter, titleLike, createdFrom, createdTo,
                    clientType, urlTokens, order, pageNo, pageSize);
        }
    }

    protected List<Long> ids(long tenantId, PictureQuery q) {
        return store.findPictures(tenantId, q).stream().map(Picture::pictureId).toList();
    }

    private static List<Long> idsOf(Picture... ps) {
        List<Long> ids = new ArrayList<>();
        for (Picture p : ps) ids.add(p.pictureId());
        return ids;
    }

    // ================================================================ tenants

    @Test
    void createTenantStoresTheTenantItsCredentialsAndItsSystemCategories() {
        TenantSpec spec = spec("alice", 100_000, 10_000);
        Tenant t = store.createTenant(spec);

        assertThat(t.id()).isPositive();
        assertThat(t).isEqualTo(new Tenant(t.id(), "alice", 100_000, 10_000, 0, LocalDate.of(2027, 9, 5), null, false, T0));
        assertThat(store.findTenant(t.id())).contains(t);
        assertThat(store.findTenantByNick("alice")).contains(t);
        assertThat(store.findTopCredentials(spec.topAppKey()))
                .contains(new TopCredentials(t.id(), spec.topAppKey(), "secret-alice", "session-alice"));
        assertThat(store.findTopCredentialsOfTenant(t.id())).contains(store.findTopCredentials(spec.topAppKey()).orElseThrow());
        assertThat(store.findVodCredentials(spec.vodAccessKeyId()))
                .contains(new dev.picspace.domain.VodCredentials(t.id(), spec.vodAccessKeyId(), "vod-secret-alice"));
        assertThat(store.findVodCredentialsOfTenant(t.id())).contains(store.findVodCredentials(spec.vodAccessKeyId()).orElseThrow());
        assertThat(store.findVodCredentials("LTAInobody")).isEmpty();

        List<Category> categories = store.findCategories(t.id(), CategoryQuery.all());
        assertThat(categories).extracting(Category::id).containsExactly(spec.systemCategories().get(0).id(),
                spec.systemCategories().get(1).id());
        assertThat(categories).allSatisfy(c -> {
            assertThat(c.tenantId()).isEqualTo(t.id());
            assertThat(c.isSystem()).isTrue();
            assertThat(c.parentId()).isZero();
        });
        assertThat(categories).extracting(Category::type).containsExactly(CategoryType.AUCTION, CategoryType.FIXED);
        assertThat(categories.get(0).name()).isEqualTo("宝贝图片");
    }

    @Test
    void tenantIdsComeFromTheDatabaseAndListInOrder() {
        Tenant a = newTenant("a", 1, 0), b = newTenant("b", 1, 0), c = newTenant("c", 1, 0);
        assertThat(List.of(a.id(), b.id(), c.id())).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isPositive());
        assertThat(store.listTenants()).extracting(Tenant::nick).containsExactly("a", "b", "c");
        assertThat(store.findTenant(c.id() + 1000)).isEmpty();
        assertThat(store.findTenantByNick("nobody")).isEmpty();
    }

    @Test
    void aTakenNickIsRefusedAndNothingOfTheSecondTenantIsWritten() {
        newTenant("alice", 1000, 0);
        TenantSpec again = spec("alice", 5000, 0);
        assertThatThrownBy(() -> store.createTenant(again)).isInstanceOf(DuplicateTenantException.class);
        assertThat(store.listTenants()).hasSize(1);
        assertThat(store.findTopCredentials(again.topAppKey())).isEmpty();
    }

    @Test
    void quotaWatermarkAndSignedUrlsCanBeChanged() {
        Tenant t = newTenant("alice", 1000, 100);
        store.updateQuota(t.id(), 5000, 500, LocalDate.of(2030, 1, 31));
        Tenant after = store.findTenant(t.id()).orElseThrow();
        assertThat(after.orderedBytes()).isEqualTo(5000);
        assertThat(after.freeBytes()).isEqualTo(500);
        assertThat(after.orderExpiry()).isEqualTo(LocalDate.of(2030, 1, 31));
        store.updateQuota(t.id(), 5000, 500, null);
        assertThat(store.findTenant(t.id()).orElseThrow().orderExpiry()).isNull();

        String wire = "true|picspace|true|0.5|null|24|false|false|false|255,0,0|45|true|0.9,0.9|null|2";
        store.updateWatermark(t.id(), Watermark.parse(wire));
        Watermark w = store.findTenant(t.id()).orElseThrow().watermark();
        assertThat(w.toWireString()).isEqualTo(wire);
        assertThat(w.text()).isEqualTo("picspace");
        assertThat(w.reference()).isEqualTo(Watermark.Reference.BOTTOM_RIGHT);
        store.updateWatermark(t.id(), null);
        assertThat(store.findTenant(t.id()).orElseThrow().watermark()).isNull();

        store.updateSignedUrls(t.id(), true);
        assertThat(store.findTenant(t.id()).orElseThrow().signedUrls()).isTrue();
        store.updateSignedUrls(t.id(), false);
        assertThat(store.findTenant(t.id()).orElseThrow().signedUrls()).isFalse();
    }

    @Test
    void aServiceSecretIsStoredOnceAndEveryCallerGetsTheFirstValue() {
        assertThat(store.serviceSecret("k", "first", T0)).isEqualTo("first");
        assertThat(store.serviceSecret("k", "second", T0)).isEqualTo("first");
        try (MetadataStore other = openAnotherStoreOnTheSameDatabase()) {
            assertThat(other.serviceSecret("k", "third", T0)).isEqualTo("first");
        }
        assertThat(store.serviceSecret("other", "x", T0)).isEqualTo("x");
    }

    @Test
    void aNonceIsNewOncePerScopeUntilPurged() {
        Instant later = T0.plusSeconds(1800);
        assertThat(store.recordNonce("LTAIa", "n1", later)).isTrue();
        assertThat(store.recordNonce("LTAIa", "n1", later)).isFalse();
        assertThat(store.recordNonce("LTAIb", "n1", later)).isTrue(); // another key's nonce space
        try (MetadataStore other = openAnotherStoreOnTheSameDatabase()) {
            assertThat(other.recordNonce("LTAIa", "n1", later)).isFalse(); // another node sees the replay
        }
        assertThat(store.recordNonce("LTAIa", "n2", T0)).isTrue();
        assertThat(store.purgeNonces(T0.plusSeconds(1))).isEqualTo(1); // only n2 had expired
        assertThat(store.recordNonce("LTAIa", "n2", later)).isTrue();
        assertThat(store.recordNonce("LTAIa", "n1", later)).isFalse();
    }

    @Test
    void changingAnUnknownTenantFails() {
        assertThatThrownBy(() -> store.updateQuota(4242, 1, 1, null)).isInstanceOf(TenantNotFoundException.class);
        assertThatThrownBy(() -> store.updateWatermark(4242, null)).isInstanceOf(TenantNotFoundException.class);
        assertThatThrownBy(() -> store.updateSignedUrls(4242, true)).isInstanceOf(TenantNotFoundException.class);
        assertThat(store.findTopCredentials("nope")).isEmpty();
        assertThat(store.findTopCredentialsOfTenant(4242)).isEmpty();
    }

    // ================================================================ categories

    private Category category(long tenantId, long parentId, String name, int position, Instant modified) {
        return new Category(nextId(), tenantId, parentId, name, CategoryType.USER_DEFINE, position, modified, modified);
    }

    @Test
    void categoriesAreFoundByEveryFilterInPositionThenIdOrder() {
        Tenant t = newTenant("alice", 1000, 0);
        List<Category> system = store.findCategories(t.id(), CategoryQuery.all());
        Category shoes = store.insertCategory(category(t.id(), 0, "shoes", 5, T0.plusSeconds(10)), 100);
        Category boots = store.insertCategory(category(t.id(), shoes.id(), "boots", 0, T0.plusSeconds(20)), 100);
        Category hats = store.insertCategory(category(t.id(), 0, "hats", 5, T0.plusSeconds(30)), 100);
        Category otherTenants = store.insertCategory(category(newTenant("bob", 1, 0).id(), 0, "shoes", 0, T0), 100);

        assertThat(store.findCategory(t.id(), boots.id())).contains(boots);
        assertThat(store.findCategory(t.id(), otherTenants.id())).isEmpty();
        assertThat(store.findCategory(t.id(), Category.DEFAULT_ID)).isEmpty();

        assertThat(store.findCategories(t.id(), CategoryQuery.all())).containsExactly(system.get(0), boots,
                system.get(1), shoes, hats); // positions 0, 0, 1, 5, 5; ties by id
        assertThat(store.findCategories(t.id(), new CategoryQuery(null, null, null, 0L, null)))
                .containsExactly(system.get(0), system.get(1), shoes, hats);
        assertThat(store.findCategories(t.id(), new CategoryQuery(null, null, null, shoes.id(), null))).containsExactly(boots);
        assertThat(store.findCategories(t.id(), new CategoryQuery(hats.id(), null, null, null, null))).containsExactly(hats);
        assertThat(store.findCategories(t.id(), new CategoryQuery(null, "shoes", null, null, null))).containsExactly(shoes);
        assertThat(store.findCategories(t.id(), new CategoryQuery(null, null, CategoryType.FIXED, null, null)))
                .containsExactly(system.get(1));
        assertThat(store.findCategories(t.id(), new CategoryQuery(null, null, CategoryType.USER_DEFINE, null, T0.plusSeconds(10))))
                .containsExactly(boots, hats);
    }

    @Test
    void theCategoryLimitCountsEveryCategoryOfTheTenant() {
        Tenant t = newTenant("alice", 1000, 0); // two system categories
        Tenant other = newTenant("bob", 1000, 0);
        store.insertCategory(category(t.id(), 0, "third", 2, T0), 3);
        assertThatThrownBy(() -> store.insertCategory(category(t.id(), 0, "fourth", 3, T0), 3))
                .isInstanceOf(CategoryRuleException.class);
        assertThat(store.findCategories(t.id(), CategoryQuery.all())).hasSize(3);
        store.insertCategory(category(other.id(), 0, "third", 2, T0), 3); // each tenant has its own limit
    }

    @Test
    void siblingNamesAreUnique() {
        Tenant t = newTenant("alice", 1000, 0);
        Category shoes = store.insertCategory(category(t.id(), 0, "shoes", 0, T0), 100);
        assertThatThrownBy(() -> store.insertCategory(category(t.id(), 0, "shoes", 0, T0), 100))
                .isInstanceOf(DuplicateCategoryNameException.class);
        store.insertCategory(category(t.id(), shoes.id(), "shoes", 0, T0), 100); // another level: fine
        store.insertCategory(category(newTenant("bob", 1, 0).id(), 0, "shoes", 0, T0), 100); // another tenant: fine
        assertThat(store.findCategories(t.id(), new CategoryQuery(null, "shoes", null, null, null))).hasSize(2);
    }

    @Test
    void updateCategoryRenamesAndMovesButKeepsNamesUnique() {
        Tenant t = newTenant("alice", 1000, 0);
        Category shoes = store.insertCategory(category(t.id(), 0, "shoes", 0, T0), 100);
        Category hats = store.insertCategory(category(t.id(), 0, "hats", 0, T0), 100);
        Category boots = store.insertCategory(category(t.id(), shoes.id(), "boots", 0, T0), 100);

        store.updateCategory(t.id(), boots.id(), "wellies", hats.id(), T0.plusSeconds(60));
        Category moved = store.findCategory(t.id(), boots.id()).orElseThrow();
        assertThat(moved.name()).isEqualTo("wellies");
        assertThat(moved.parentId()).isEqualTo(hats.id());
        assertThat(moved.modified()).isEqualTo(T0.plusSeconds(60));
        assertThat(moved.created()).isEqualTo(T0);

        store.updateCategory(t.id(), hats.id(), "hats", 0, T0); // its own name: fine
        assertThatThrownBy(() -> store.updateCategory(t.id(), hats.id(), "shoes", 0, T0))
                .isInstanceOf(DuplicateCategoryNameException.class);
        assertThat(store.findCategory(t.id(), hats.id()).orElseThrow().name()).isEqualTo("hats");
        assertThatThrownBy(() -> store.updateCategory(t.id(), 12345, "x", 0, T0)).isInstanceOf(CategoryNotFoundException.class);
    }

    @Test
    void deletingACategoryDeletesItsChildrenAndMovesTheirPicturesToTheDefault() {
        Tenant t = newTenant("alice", 100_000, 0);
        Category shoes = store.insertCategory(category(t.id(), 0, "shoes", 0, T0), 100);
        Category boots = store.insertCategory(category(t.id(), shoes.id(), "boots", 0, T0), 100);
        Category hats = store.insertCategory(category(t.id(), 0, "hats", 0, T0), 100);
        Picture inShoes = insert(picture(t.id()).category(shoes.id()));
        Picture inBoots = insert(picture(t.id()).category(boots.id()));
        Picture recycledInBoots = insert(picture(t.id()).category(boots.id()));
        Picture inHats = insert(picture(t.id()).category(hats.id()));
        store.recyclePictures(t.id(), List.of(recycledInBoots.pictureId()), T0);

        assertThat(store.countPicturesByCategory(t.id()))
                .isEqualTo(Map.of(shoes.id(), 1L, boots.id(), 1L, hats.id(), 1L));
        assertThat(store.deleteCategory(t.id(), shoes.id(), T0.plusSeconds(5))).isTrue();

        assertThat(store.findCategory(t.id(), shoes.id())).isEmpty();
        assertThat(store.findCategory(t.id(), boots.id())).isEmpty();
        assertThat(store.findCategory(t.id(), hats.id())).isPresent();
        for (Picture p : List.of(inShoes, inBoots, recycledInBoots))
            assertThat(store.findPicture(t.id(), p.pictureId()).orElseThrow().categoryId()).isEqualTo(Category.DEFAULT_ID);
        assertThat(store.findPicture(t.id(), inHats.pictureId()).orElseThrow().categoryId()).isEqualTo(hats.id());
        assertThat(store.countPicturesByCategory(t.id())).isEqualTo(Map.of(Category.DEFAULT_ID, 2L, hats.id(), 1L));
        assertThat(store.deleteCategory(t.id(), shoes.id(), T0)).isFalse();
    }

    // ================================================================ pictures and quota

    @Test
    void insertingAPictureChargesItsSizeAndReferencesItsBlob() {
        Tenant t = newTenant("alice", 10_000, 0);
        Picture p = insert(picture(t.id()).size(1234).created(T0.plusMillis(1)));

        assertThat(store.findPicture(t.id(), p.pictureId())).contains(p);
        assertThat(used(t.id())).isEqualTo(1234);
        assertThat(store.findBlob(p.blobKey())).contains(new BlobRecord(p.blobKey(), 1234, 1, null));
        assertThat(store.findPicture(newTenant("bob", 1, 0).id(), p.pictureId())).isEmpty(); // another tenant's
    }

    @Test
    void aPictureThatExactlyFillsTheSpaceFitsAndOneByteMoreDoesNot() {
        Tenant t = newTenant("alice", 6000, 4000); // available = ordered + free = 10000
        insert(picture(t.id()).size(4000));
        insert(picture(t.id()).size(6000));
        assertThat(used(t.id())).isEqualTo(10_000);

        Picture tooMuch = picture(t.id()).size(1).build();
        assertThatThrownBy(() -> store.insertPicture(tooMuch)).isInstanceOf(QuotaExceededException.class);
        assertThat(used(t.id())).isEqualTo(10_000);
        assertThat(store.findPicture(t.id(), tooMuch.pictureId())).isEmpty();
        assertThat(store.findBlob(tooMuch.blobKey())).isEmpty();
        assertThat(store.countPictures(t.id(), PictureQuery.all())).isEqualTo(2);
    }

    @Test
    void aPictureLargerThanTheWholeSpaceIsRefusedEvenWhenEmpty() {
        Tenant t = newTenant("alice", 999, 0);
        assertThatThrownBy(() -> store.insertPicture(picture(t.id()).size(1000).build())).isInstanceOf(QuotaExceededException.class);
        assertThat(used(t.id())).isZero();
    }

    @Test
    void anInsertThatFailsAfterTheChargeLeavesNoChargeAndNoReference() {
        Tenant t = newTenant("alice", 10_000, 0);
        Picture p = insert(picture(t.id()).size(1000));
        Picture sameId = picture(t.id()).size(2000).blob(key("other")).build();
        Picture clash = new Picture(p.pictureId(), sameId.imageId(), t.id(), 0, sameId.urlToken(), "x", null, null,
                "default", PictureStatus.NORMAL, ImageFormat.PNG, 1, 1, 1, 2000, "m", sameId.blobKey(), null,
                "client:computer", false, null, T0, T0);
        assertThatThrownBy(() -> store.insertPicture(clash))
                .isInstanceOf(dev.picspace.domain.Exceptions.StorageException.class);
        assertThat(used(t.id())).isEqualTo(1000);
        assertThat(store.findBlob(sameId.blobKey())).isEmpty();
        insert(picture(t.id()).size(500)); // and the store goes on working
        assertThat(used(t.id())).isEqualTo(1500);
    }

    @Test
    void insertingForAnUnknownTenantFails() {
        assertThatThrownBy(() -> store.insertPicture(picture(4242).build())).isInstanceOf(TenantNotFoundException.class);
    }

    @Test
    void twoPicturesOfTheSameBytesShareOneBlobButAreBothCharged() {
        Tenant a = newTenant("alice", 10_000, 0), b = newTenant("bob", 10_000, 0);
        String k = key("shared");
        insert(picture(a.id()).blob(k).size(700));
        insert(picture(a.id()).blob(k).size(700));
        insert(picture(b.id()).blob(k).size(700));
        assertThat(refs(k)).isEqualTo(3);
        assertThat(used(a.id())).isEqualTo(1400);
        assertThat(used(b.id())).isEqualTo(700);
    }

    @Test
    void anUploadingPictureIsFreeUntilItsBytesAreAttached() {
        Tenant t = newTenant("alice", 10_000, 0);
        Picture p = insert(picture(t.id()).uploading());
        assertThat(used(t.id())).isZero();
        assertThat(store.findPicture(t.id(), p.pictureId()).orElseThrow().status()).isEqualTo(PictureStatus.UPLOADING);

        String k = key("attached");
        Picture attached = store.attachBlob(t.id(), p.pictureId(),
                new BlobAttachment(k, 2500, "0123456789abcdef0123456789abcdef", ImageFormat.PNG, 800, 600, 1, T0.plusSeconds(9)));
        assertThat(attached.status()).isEqualTo(PictureStatus.NORMAL);
        assertThat(attached.blobKey()).isEqualTo(k);
        assertThat(attached.sizeBytes()).isEqualTo(2500);
        assertThat(attached.md5()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(attached.format()).isEqualTo(ImageFormat.PNG);
        assertThat(List.of(attached.width(), attached.height(), attached.frames())).containsExactly(800, 600, 1);
        assertThat(attached.modified()).isEqualTo(T0.plusSeconds(9));
        assertThat(attached.title()).isEqualTo(p.title());
        assertThat(store.findPicture(t.id(), p.pictureId())).contains(attached);
        assertThat(used(t.id())).isEqualTo(2500);
        assertThat(refs(k)).isEqualTo(1);
    }

    @Test
    void markUploadFailedOnlyTouchesUploadingPictures() {
        Tenant t = newTenant("alice", 10_000, 0);
        Picture uploading = insert(picture(t.id()).uploading());
        Picture normal = insert(picture(t.id()).size(100));
        store.markUploadFailed(t.id(), uploading.pictureId(), T0.plusSeconds(1));
        store.markUploadFailed(t.id(), normal.pictureId(), T0.plusSeconds(1));
        Picture failed = store.findPicture(t.id(), uploading.pictureId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
        assertThat(failed.modified()).isEqualTo(T0.plusSeconds(1));
        assertThat(store.findPicture(t.id(), normal.pictureId()).orElseThrow().status()).isEqualTo(PictureStatus.NORMAL);
        assertThat(used(t.id())).isEqualTo(100);
    }

    @Test
    void replacingBytesChargesOnlyTheDifferenceAndMovesTheReference() {
        Tenant t = newTenant("alice", 5000, 0);
        String oldKey = key("old"), bigger = key("bigger"), smaller = key("smaller");
        Picture p = insert(picture(t.id()).blob(oldKey).size(1000));
        insert(picture(t.id()).blob(oldKey).size(1000)); // keeps oldKey referenced once more
        assertThat(used(t.id())).isEqualTo(2000);

        store.attachBlob(t.id(), p.pictureId(), attachment(bigger, 2500));
        assertThat(used(t.id())).isEqualTo(3500);
        assertThat(refs(oldKey)).isEqualTo(1);
        assertThat(refs(bigger)).isEqualTo(1);

        store.attachBlob(t.id(), p.pictureId(), attachment(smaller, 300));
        assertThat(used(t.id())).isEqualTo(1300);
        assertThat(refs(bigger)).isZero();
        assertThat(store.findBlob(bigger).orElseThrow().zeroSince()).isNotNull();
        assertThat(refs(smaller)).isEqualTo(1);

        store.attachBlob(t.id(), p.pictureId(), attachment(smaller, 300)); // the same bytes again: nothing moves
        assertThat(used(t.id())).isEqualTo(1300);
        assertThat(refs(smaller)).isEqualTo(1);
    }

    @Test
    void aReplaceThatDoesNotFitChangesNothing() {
        Tenant t = newTenant("alice", 5000, 0);
        String oldKey = key("old"), huge = key("huge");
        Picture p = insert(picture(t.id()).blob(oldKey).size(1000));
        insert(picture(t.id()).size(3000));

        assertThatThrownBy(() -> store.attachBlob(t.id(), p.pictureId(), attachment(huge, 2001)))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(used(t.id())).isEqualTo(4000);
        assertThat(store.findPicture(t.id(), p.pictureId())).contains(p);
        assertThat(refs(oldKey)).isEqualTo(1);
        assertThat(store.findBlob(huge)).isEmpty();

        store.attachBlob(t.id(), p.pictureId(), attachment(huge, 2000)); // exactly fits
        assertThat(used(t.id())).isEqualTo(5000);
    }

    @Test
    void attachingToAMissingOrRecycledPictureFails() {
        Tenant t = newTenant("alice", 5000, 0);
        Picture p = insert(picture(t.id()).size(100));
        store.recyclePictures(t.id(), List.of(p.pictureId()), T0);
        assertThatThrownBy(() -> store.attachBlob(t.id(), p.pictureId(), attachment(key("x"), 10)))
                .isInstanceOf(PictureNotFoundException.class);
        assertThatThrownBy(() -> store.attachBlob(t.id(), 777, attachment(key("x"), 10)))
                .isInstanceOf(PictureNotFoundException.class);
        assertThat(store.findBlob(key("x"))).isEmpty();
    }

    private static BlobAttachment attachment(String key, long size) {
        return new BlobAttachment(key, size, hex(16, "md5" + key), ImageFormat.JPEG, 100, 100, 1, T0.plusSeconds(30));
    }

    @Test
    void recyclingReleasesSpaceButKeepsTheBlobReference() {
        Tenant t = newTenant("alice", 5000, 0);
        Picture a = insert(picture(t.id()).size(1000));
        Picture b = insert(picture(t.id()).size(2000));
        Picture uploading = insert(picture(t.id()).uploading());
        Picture other = insert(picture(newTenant("bob", 5000, 0).id()).size(500));

        int n = store.recyclePictures(t.id(), List.of(a.pictureId(), uploading.pictureId(), other.pictureId(), 9999L),
                T0.plusSeconds(7));
        assertThat(n).isEqualTo(2); // not bob's, not a missing one
        assertThat(used(t.id())).isEqualTo(2000);
        assertThat(used(other.tenantId())).isEqualTo(500);
        Picture recycled = store.findPicture(t.id(), a.pictureId()).orElseThrow();
        assertThat(recycled.deleted()).isTrue();
        assertThat(recycled.deletedAt()).isEqualTo(T0.plusSeconds(7));
        assertThat(refs(a.blobKey())).isEqualTo(1);

        assertThat(store.recyclePictures(t.id(), List.of(a.pictureId(), a.pictureId()), T0)).isZero(); // already recycled
        assertThat(used(t.id())).isEqualTo(2000);
        assertThat(store.recyclePictures(t.id(), List.of(), T0)).isZero();
        insert(picture(t.id()).size(3000)); // the released space is usable again
        assertThat(used(t.id())).isEqualTo(5000);
        assertThat(store.findUsageMismatches()).isEmpty();
        assertThat(b.deleted()).isFalse();
    }

    @Test
    void purgingRemovesOldRecycledPicturesAndDropsTheirReferences() {
        Instant start = Instant.now();
        Tenant t = newTenant("alice", 50_000, 0);
        String shared = key("shared");
        Picture old1 = insert(picture(t.id()).blob(shared).size(100));
        Picture old2 = insert(picture(t.id()).blob(shared).size(100));
        Picture old3 = insert(picture(t.id()).size(100));
        Picture recent = insert(picture(t.id()).size(100));
        Picture live = insert(picture(t.id()).blob(shared).size(100));
        store.recyclePictures(t.id(), List.of(old1.pictureId()), T0.plusSeconds(1));
        store.recyclePictures(t.id(), List.of(old2.pictureId()), T0.plusSeconds(2));
        store.recyclePictures(t.id(), List.of(old3.pictureId()), T0.plusSeconds(3));
        store.recyclePictures(t.id(), List.of(recent.pictureId()), T0.plusSeconds(100));
        assertThat(refs(shared)).isEqualTo(3);

        assertThat(store.purgeRecycled(T0.plusSeconds(50), 2)).isEqualTo(2); // the oldest two first
        assertThat(store.findPicture(t.id(), old1.pictureId())).isEmpty();
        assertThat(store.findPicture(t.id(), old2.pictureId())).isEmpty();
        assertThat(store.findPicture(t.id(), old3.pictureId())).isPresent();
        assertThat(refs(shared)).isEqualTo(1);
        assertThat(store.findBlob(shared).orElseThrow().zeroSince()).isNull();

        assertThat(store.purgeRecycled(T0.plusSeconds(50), 100)).isEqualTo(1);
        BlobRecord gone = store.findBlob(old3.blobKey()).orElseThrow();
        assertThat(gone.refCount()).isZero();
        assertThat(gone.zeroSince()).isBetween(start.minusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(store.findPicture(t.id(), recent.pictureId())).isPresent();
        assertThat(store.findPicture(t.id(), live.pictureId())).isPresent();
        assertThat(store.purgeRecycled(T0.plusSeconds(50), 100)).isZero();
        assertThat(used(t.id())).isEqualTo(100);
        assertThat(store.findRefCountMismatches()).isEmpty();
    }

    // ================================================================ derivatives

    static MetadataStore.DerivativeRecord derivative(String source, String ops, Instant created) {
        return new MetadataStore.DerivativeRecord(hex(32, "d:" + source + "|" + ops), source, ops,
                key("bytes of " + source + ops), 1234, "image/jpeg", 90, 60, created);
    }

    @Test
    void aDerivativeIsFoundByItsKeyAndReplacedByAnotherOfTheSameKey() {
        String source = key("src");
        MetadataStore.DerivativeRecord d = derivative(source, "resize,w_90", T0);
        assertThat(store.findDerivative(d.key())).isEmpty();
        assertThat(store.putDerivative(d, 10)).isZero();
        assertThat(store.findDerivative(d.key())).contains(d);
        MetadataStore.DerivativeRecord again = new MetadataStore.DerivativeRecord(d.key(), source, d.operations(),
                key("other bytes"), 999, "image/webp", 91, 61, T0.plusSeconds(5));
        store.putDerivative(again, 10);
        assertThat(store.findDerivative(d.key())).contains(again);
        assertThat(store.derivativeBlobInUse(again.blobKey())).isTrue();
        assertThat(store.derivativeBlobInUse(d.blobKey())).isFalse();
        assertThat(store.deleteDerivative(d.key())).isTrue();
        assertThat(store.deleteDerivative(d.key())).isFalse();
        assertThat(store.findDerivative(d.key())).isEmpty();
    }

    @Test
    void aSourceKeepsItsNewestDerivativesUpToTheBound() {
        String source = key("src"), other = key("other");
        List<MetadataStore.DerivativeRecord> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MetadataStore.DerivativeRecord d = derivative(source, "resize,w_" + i, T0.plusSeconds(i));
            made.add(d);
            store.putDerivative(d, 3);
        }
        MetadataStore.DerivativeRecord unrelated = derivative(other, "resize,w_1", T0);
        store.putDerivative(unrelated, 3);
        assertThat(store.findDerivative(made.get(0).key())).isEmpty();
        assertThat(store.findDerivative(made.get(1).key())).isEmpty();
        for (int i = 2; i < 5; i++) assertThat(store.findDerivative(made.get(i).key())).isPresent();
        assertThat(store.findDerivative(unrelated.key())).isPresent();
        List<String> all = new ArrayList<>();
        store.forEachDerivative(d -> all.add(d.key()));
        assertThat(all).hasSize(4);
    }

    @Test
    void derivativesGoWhenNoLivePictureShowsTheirSource() {
        Tenant t = newTenant("alice", 50_000, 0);
        String shared = key("shared");
        Picture a = insert(picture(t.id()).blob(shared).size(100));
        Picture b = insert(picture(t.id()).blob(shared).size(100));
        MetadataStore.DerivativeRecord d = derivative(shared, "resize,w_90", T0);
        MetadataStore.DerivativeRecord stray = derivative(key("gone"), "resize,w_90", T0);
        store.putDerivative(d, 10);
        store.putDerivative(stray, 10);
        assertThat(store.orphanDerivatives(false)).isEqualTo(1); // the stray one: no picture shows its source

        store.recyclePictures(t.id(), List.of(a.pictureId()), T0);
        assertThat(store.deleteDerivativesIfSourceUnused(shared)).isZero(); // b still shows those bytes
        assertThat(store.findDerivative(d.key())).isPresent();
        store.recyclePictures(t.id(), List.of(b.pictureId()), T0);
        assertThat(store.orphanDerivatives(false)).isEqualTo(2);   // recycled pictures are not shown
        assertThat(store.deleteDerivativesIfSourceUnused(shared)).isEqualTo(1);
        assertThat(store.findDerivative(d.key())).isEmpty();

        assertThat(store.orphanDerivatives(true)).isEqualTo(1);
        assertThat(store.findDerivative(stray.key())).isEmpty();
        assertThat(store.orphanDerivatives(false)).isZero();
    }

    @Test
    void aBlobThatIsReferencedAgainForgetsWhenItReachedZero() {
        Tenant t = newTenant("alice", 50_000, 0);
        String k = key("again");
        Picture p = insert(picture(t.id()).blob(k).size(100));
        store.recyclePictures(t.id(), List.of(p.pictureId()), T0);
        store.purgeRecycled(T0.plusSeconds(1), 10);
        assertThat(store.findBlob(k).orElseThrow().zeroSince()).isNotNull();
        insert(picture(t.id()).blob(k).size(100));
        assertThat(store.findBlob(k)).contains(new BlobRecord(k, 100, 1, null));
    }

    @Test
    void titlesUpdatesAndCategoryChangesApplyToLivePicturesOnly() {
        Tenant t = newTenant("alice", 50_000, 0);
        Category shoes = store.insertCategory(category(t.id(), 0, "shoes", 0, T0), 100);
        Picture a = insert(picture(t.id()).title("red"));
        Picture b = insert(picture(t.id()).title("blue"));
        Picture c = insert(picture(t.id()).title("green"));
        store.recyclePictures(t.id(), List.of(c.pictureId()), T0);

        assertThat(store.titleTaken(t.id(), "red")).isTrue();
        assertThat(store.titleTaken(t.id(), "green")).isFalse(); // recycled
        assertThat(store.titleTaken(t.id(), "Red")).isFalse();
        assertThat(store.titleTaken(newTenant("bob", 1, 0).id(), "red")).isFalse();

        assertThat(store.updatePictureInfo(t.id(), a.pictureId(), "crimson", null, "x,y", null, T0.plusSeconds(3))).isTrue();
        Picture updated = store.findPicture(t.id(), a.pictureId()).orElseThrow();
        assertThat(updated.title()).isEqualTo("crimson");
        assertThat(updated.description()).isEqualTo(a.description());
        assertThat(updated.tags()).isEqualTo("x,y");
        assertThat(updated.categoryId()).isEqualTo(Category.DEFAULT_ID);
        assertThat(updated.modified()).isEqualTo(T0.plusSeconds(3));
        assertThat(store.updatePictureInfo(t.id(), a.pictureId(), null, "new words", null, shoes.id(), T0)).isTrue();
        assertThat(store.findPicture(t.id(), a.pictureId()).orElseThrow())
                .satisfies(p -> assertThat(p.description()).isEqualTo("new words"))
                .satisfies(p -> assertThat(p.categoryId()).isEqualTo(shoes.id()))
                .satisfies(p -> assertThat(p.title()).isEqualTo("crimson"));
        assertThat(store.updatePictureInfo(t.id(), c.pictureId(), "x", null, null, null, T0)).isFalse();
        assertThat(store.updatePictureInfo(t.id(), 5555, "x", null, null, null, T0)).isFalse();

        assertThat(store.changeCategory(t.id(), List.of(b.pictureId(), c.pictureId(), 5555L), shoes.id(), T0.plusSeconds(4)))
                .isEqualTo(1);
        assertThat(store.findPicture(t.id(), b.pictureId()).orElseThrow().categoryId()).isEqualTo(shoes.id());
        assertThat(store.findPicture(t.id(), c.pictureId()).orElseThrow().categoryId()).isEqualTo(Category.DEFAULT_ID);
        assertThat(store.changeCategory(t.id(), List.of(), shoes.id(), T0)).isZero();
    }

    @Test
    void picturesAreFoundByImageIdAndByUrlToken() {
        Tenant a = newTenant("alice", 50_000, 0), b = newTenant("bob", 50_000, 0);
        Picture p = insert(picture(a.id()));
        insert(picture(b.id()));
        assertThat(store.findPictureByImageId(a.id(), p.imageId())).contains(p);
        assertThat(store.findPictureByImageId(b.id(), p.imageId())).isEmpty();
        assertThat(store.findPictureByUrlToken(p.urlToken())).contains(p);
        assertThat(store.findPictureByUrlToken("0000")).isEmpty();
        store.recyclePictures(a.id(), List.of(p.pictureId()), T0);
        assertThat(store.findPictureByUrlToken(p.urlToken()).orElseThrow().deleted()).isTrue();
    }

    // ================================================================ picture queries

    /** Six live pictures of one tenant and one recycled, plus another tenant's; see each test. */
    private final class Gallery {
        final Tenant t = newTenant("gallery", 1_000_000, 0);
        final Category c1 = store.insertCategory(category(t.id(), 0, "c1", 0, T0), 100);
        final Category c2 = store.insertCategory(category(t.id(), 0, "c2", 1, T0), 100);
        final Picture p1 = insert(picture(t.id()).created(T0.plusSeconds(1)).size(500).title("sunset beach"));
        final Picture p2 = insert(picture(t.id()).created(T0.plusSeconds(2)).size(300).category(c1.id()).title("sunrise"));
        final Picture p3 = insert(picture(t.id()).created(T0.plusSeconds(3)).size(900).category(c1.id())
                .client("client:phone").title("beach_party"));
        final Picture p4 = insert(picture(t.id()).created(T0.plusSeconds(4)).size(300).client("client:phone")
                .title("100% cotton").modified(T0.plusSeconds(100)));
        final Picture p5 = insert(picture(t.id()).created(T0.plusSeconds(5)).size(700).category(c2.id()).title("mountain"));
        final Picture p6 = insert(picture(t.id()).created(T0.plusSeconds(6)).size(100).title("beach"));
        // same created time and size as p2, larger id: the tie-breaker decides
        final Picture p7 = insert(picture(t.id()).created(T0.plusSeconds(2)).size(300).category(c1.id()).title("sunrise again"));
        final Picture elsewhere = insert(picture(newTenant("elsewhere", 1_000_000, 0).id()).title("beach").size(300)
                .created(T0.plusSeconds(3)));

        Gallery() { store.recyclePictures(t.id(), List.of(p6.pictureId()), T0.plusSeconds(50)); }

        List<Long> find(UnaryOperator<QueryBuilder> f) { return ids(t.id(), query(f)); }

        long count(UnaryOperator<QueryBuilder> f) { return store.countPictures(t.id(), query(f)); }
    }

    @Test
    void picturesComeInEachOrderWithPictureIdBreakingTies() {
        Gallery g = new Gallery();
        assertThat(g.find(q -> q)).isEqualTo(idsOf(g.p5, g.p4, g.p3, g.p7, g.p2, g.p1));
        assertThat(ids(g.t.id(), PictureQuery.all())).isEqualTo(idsOf(g.p5, g.p4, g.p3, g.p7, g.p2, g.p1));
        assertThat(g.find(q -> q.order(PictureQuery.Order.TIME_ASC))).isEqualTo(idsOf(g.p1, g.p2, g.p7, g.p3, g.p4, g.p5));
        assertThat(g.find(q -> q.order(PictureQuery.Order.SIZE_ASC))).isEqualTo(idsOf(g.p2, g.p4, g.p7, g.p1, g.p5, g.p3));
        assertThat(g.find(q -> q.order(PictureQuery.Order.SIZE_DESC))).isEqualTo(idsOf(g.p3, g.p5, g.p1, g.p7, g.p4, g.p2));
        assertThat(store.findPictures(g.t.id(), PictureQuery.all())).first().isEqualTo(g.p5);
    }

    @Test
    void picturesArePagedAndCounted() {
        Gallery g = new Gallery();
        assertThat(g.find(q -> q.page(1, 2))).isEqualTo(idsOf(g.p5, g.p4));
        assertThat(g.find(q -> q.page(2, 2))).isEqualTo(idsOf(g.p3, g.p7));
        assertThat(g.find(q -> q.page(3, 2))).isEqualTo(idsOf(g.p2, g.p1));
        assertThat(g.find(q -> q.page(4, 2))).isEmpty();
        assertThat(g.find(q -> q.page(2, 4).order(PictureQuery.Order.SIZE_ASC))).isEqualTo(idsOf(g.p5, g.p3));
        assertThat(g.count(q -> q.page(3, 2))).isEqualTo(6); // paging does not change the count
        assertThat(g.count(q -> q.deleted(true))).isEqualTo(1);
    }

    @Test
    void picturesAreFilteredByEveryField() {
        Gallery g = new Gallery();
        assertThat(g.find(q -> q.category(g.c1.id()))).isEqualTo(idsOf(g.p3, g.p7, g.p2));
        assertThat(g.find(q -> q.category(Category.DEFAULT_ID))).isEqualTo(idsOf(g.p4, g.p1));
        assertThat(g.find(q -> q.category(g.c1.id()).order(PictureQuery.Order.SIZE_DESC))).isEqualTo(idsOf(g.p3, g.p7, g.p2));
        assertThat(g.find(q -> q.deleted(true))).isEqualTo(idsOf(g.p6));
        assertThat(g.find(q -> q.deleted(false))).hasSize(6);
        assertThat(g.find(q -> q.modifiedAfter(T0.plusSeconds(4)))).isEqualTo(idsOf(g.p5, g.p4));
        assertThat(g.find(q -> q.created(T0.plusSeconds(2), T0.plusSeconds(4)))).isEqualTo(idsOf(g.p4, g.p3, g.p7, g.p2));
        assertThat(g.find(q -> q.created(T0.plusSeconds(5), null))).isEqualTo(idsOf(g.p5));
        assertThat(g.find(q -> q.client("client:phone"))).isEqualTo(idsOf(g.p4, g.p3));
        assertThat(g.find(q -> q.pictureId(g.p3.pictureId()))).isEqualTo(idsOf(g.p3));
        assertThat(g.find(q -> q.pictureId(g.p6.pictureId()))).isEmpty(); // recycled
        assertThat(g.find(q -> q.pictureId(g.elsewhere.pictureId()))).isEmpty(); // another tenant's
        assertThat(g.find(q -> q.category(g.c1.id()).client("client:phone"))).isEqualTo(idsOf(g.p3));
        assertThat(g.count(q -> q.category(g.c1.id()))).isEqualTo(3);
        assertThat(g.count(q -> q.client("client:phone").modifiedAfter(T0.plusSeconds(3)))).isEqualTo(1);
    }

    @Test
    void titlesMatchAsSubstringsWithWildcardsTakenLiterally() {
        Gallery g = new Gallery();
        assertThat(g.find(q -> q.title("beach"))).isEqualTo(idsOf(g.p3, g.p1)); // not the recycled one, not elsewhere
        assertThat(g.find(q -> q.title("sun"))).isEqualTo(idsOf(g.p7, g.p2, g.p1));
        assertThat(g.find(q -> q.title("_"))).isEqualTo(idsOf(g.p3));
        assertThat(g.find(q -> q.title("%"))).isEqualTo(idsOf(g.p4));
        assertThat(g.find(q -> q.title("0% c"))).isEqualTo(idsOf(g.p4));
        assertThat(g.find(q -> q.title("!"))).isEmpty();
        assertThat(g.count(q -> q.title("beach"))).isEqualTo(2);
        assertThat(g.count(q -> q.title("nothing like it"))).isZero();
        assertThat(g.find(q -> q.title("ea"))).isEqualTo(idsOf(g.p3, g.p1)); // shorter than a trigram
        assertThat(g.find(q -> q.title("t b"))).isEqualTo(idsOf(g.p1));
    }

    /**
     * SQLite's LIKE and its trigram index ignore the case of ASCII letters, and so must the
     * filter on every database (PostgreSQL's LIKE does not; it takes ILIKE), with or without
     * wildcards in the term.
     */
    @Test
    void titleMatchesIgnoreTheCaseOfAsciiLetters() {
        Gallery g = new Gallery();
        assertThat(g.find(q -> q.title("BEACH"))).isEqualTo(idsOf(g.p3, g.p1));
        assertThat(g.find(q -> q.title("SunRise"))).isEqualTo(idsOf(g.p7, g.p2));
        assertThat(g.find(q -> q.title("Ea"))).isEqualTo(idsOf(g.p3, g.p1));
        assertThat(g.find(q -> q.title("H_P"))).isEqualTo(idsOf(g.p3)); // escaped path
        assertThat(g.find(q -> q.title("0% COTTON"))).isEqualTo(idsOf(g.p4));
        assertThat(g.count(q -> q.title("MOUNTAIN"))).isEqualTo(1);
    }

    /** The title filter follows renames and purges (SQLite answers it from a trigram index kept by triggers). */
    @Test
    void titleMatchesFollowRenamesAndPurges() {
        Gallery g = new Gallery();
        store.updatePictureInfo(g.t.id(), g.p5.pictureId(), "夏季 连衣裙 mountain", null, null, null, T0.plusSeconds(60));
        assertThat(g.find(q -> q.title("连衣裙"))).isEqualTo(idsOf(g.p5));
        assertThat(g.find(q -> q.title("mountain"))).isEqualTo(idsOf(g.p5));
        store.updatePictureInfo(g.t.id(), g.p5.pictureId(), "hill", null, null, null, T0.plusSeconds(61));
        assertThat(g.find(q -> q.title("mountain"))).isEmpty();
        assertThat(g.find(q -> q.title("hill"))).isEqualTo(idsOf(g.p5));
        assertThat(store.purgeRecycled(T0.plusSeconds(1000), 10)).isEqualTo(1); // p6, "beach"
        assertThat(g.count(q -> q.title("beach").deleted(true))).isZero();
        assertThat(g.count(q -> q.title("beach"))).isEqualTo(2);
    }

    @Test
    void picturesAreFoundByTheTokensOfTheirUrls() {
        Gallery g = new Gallery();
        List<String> tokens = List.of(g.p1.urlToken(), g.p5.urlToken(), g.p6.urlToken(), g.elsewhere.urlToken(), "ffff");
        assertThat(g.find(q -> q.tokens(tokens))).isEqualTo(idsOf(g.p5, g.p1));
        assertThat(g.count(q -> q.tokens(tokens))).isEqualTo(2);
        assertThat(g.find(q -> q.tokens(tokens).deleted(true))).isEqualTo(idsOf(g.p6));
        assertThat(g.find(q -> q.tokens(List.of()))).isEmpty();
        assertThat(g.count(q -> q.tokens(List.of()))).isZero();
    }

    // ================================================================ VOD search (PictureFilter / PictureSearch)

    /** Five live pictures of one tenant, one recycled, one of another tenant; see each test. */
    private final class Library {
        final Tenant t = newTenant("library", 1_000_000, 0);
        final Category cat = store.insertCategory(category(t.id(), 0, "cat", 0, T0), 100);
        final Picture a = insert(picture(t.id()).created(T0.plusSeconds(1)).title("red shoe").tags("summer,sale")
                .description("50% off").fileName("IMG_1.JPG").modified(T0.plusSeconds(40)));
        final Picture b = insert(picture(t.id()).created(T0.plusSeconds(2)).title("blue hat").tags("winter")
                .description("warm").category(cat.id()).modified(T0.plusSeconds(10)));
        final Picture c = insert(picture(t.id()).created(T0.plusSeconds(3)).title("red hat").tags(null).description(null).uploading()
                .modified(T0.plusSeconds(30)));
        // same creation time as c, larger id: the tie-breaker decides
        final Picture d = insert(picture(t.id()).created(T0.plusSeconds(3)).title("green_scarf").tags("sale")
                .category(cat.id()).modified(T0.plusSeconds(20)));
        final Picture e = insert(picture(t.id()).created(T0.plusSeconds(5)).title("red scarf").tags("winter,sale")
                .modified(T0.plusSeconds(50)));
        final Picture recycled = insert(picture(t.id()).created(T0.plusSeconds(6)).title("red recycled"));
        final Picture elsewhere = insert(picture(newTenant("other-library", 1_000_000, 0).id()).title("red elsewhere"));

        Library() { store.recyclePictures(t.id(), List.of(recycled.pictureId()), T0.plusSeconds(60)); }

        List<Long> find(PictureFilter f) { return search(f, List.of(new PictureSearch.Sort(PictureFilter.TimeField.CREATED, false)), null, 0, 100); }

        List<Long> search(PictureFilter f, List<PictureSearch.Sort> sorts, PictureSearch.Position after, long offset, int limit) {
            return store.searchPictures(t.id(), new PictureSearch(f, sorts, after, offset, limit)).stream().map(Picture::pictureId).toList();
        }

        long count(PictureFilter f) { return store.countMatching(t.id(), f); }
    }

    static PictureFilter text(PictureFilter.TextField f, String term) { return new PictureFilter.TextContains(f, term); }

    @Test
    void searchFiltersByEveryKindOfCondition() {
        Library l = new Library();
        assertThat(l.find(PictureFilter.everything())).isEqualTo(idsOf(l.a, l.b, l.c, l.d, l.e));
        assertThat(l.count(PictureFilter.everything())).isEqualTo(5);
        assertThat(l.find(text(PictureFilter.TextField.TITLE, "red"))).isEqualTo(idsOf(l.a, l.c, l.e));
        assertThat(l.find(text(PictureFilter.TextField.TITLE, "_"))).isEqualTo(idsOf(l.d)); // wildcards are literal
        assertThat(l.find(text(PictureFilter.TextField.TAGS, "sale"))).isEqualTo(idsOf(l.a, l.d, l.e));
        assertThat(l.find(text(PictureFilter.TextField.DESCRIPTION, "%"))).isEqualTo(idsOf(l.a));
        assertThat(l.find(text(PictureFilter.TextField.ORIGINAL_FILE_NAME, "IMG_1"))).isEqualTo(idsOf(l.a));
        assertThat(l.find(new PictureFilter.ImageIdIs(l.b.imageId()))).isEqualTo(idsOf(l.b));
        assertThat(l.find(new PictureFilter.ImageIdIs(l.elsewhere.imageId()))).isEmpty();
        assertThat(l.find(new PictureFilter.ImageIdIs(l.recycled.imageId()))).isEmpty();
        assertThat(l.find(new PictureFilter.CategoryIs(l.cat.id()))).isEqualTo(idsOf(l.b, l.d));
        assertThat(l.find(new PictureFilter.CategoryIs(Category.DEFAULT_ID))).isEqualTo(idsOf(l.a, l.c, l.e));
        assertThat(l.find(new PictureFilter.StatusIn(java.util.Set.of(PictureStatus.UPLOADING)))).isEqualTo(idsOf(l.c));
        assertThat(l.find(new PictureFilter.StatusIn(java.util.Set.of(PictureStatus.UPLOADING, PictureStatus.NORMAL)))).hasSize(5);
        assertThat(l.find(new PictureFilter.StatusIn(java.util.Set.of()))).isEmpty();
        assertThat(l.find(new PictureFilter.TimeRange(PictureFilter.TimeField.CREATED, T0.plusSeconds(2), true, T0.plusSeconds(5), false)))
                .isEqualTo(idsOf(l.b, l.c, l.d));
        assertThat(l.find(new PictureFilter.TimeRange(PictureFilter.TimeField.CREATED, T0.plusSeconds(2), false, null, false)))
                .isEqualTo(idsOf(l.c, l.d, l.e));
        assertThat(l.find(new PictureFilter.TimeRange(PictureFilter.TimeField.MODIFIED, null, false, T0.plusSeconds(30), true)))
                .isEqualTo(idsOf(l.b, l.c, l.d));
        assertThat(l.find(new PictureFilter.Constant(false))).isEmpty();
        PictureFilter redAndSaleOrCategory = new PictureFilter.All(List.of(text(PictureFilter.TextField.TITLE, "red"),
                new PictureFilter.Any(List.of(text(PictureFilter.TextField.TAGS, "sale"), new PictureFilter.StatusIn(java.util.Set.of(PictureStatus.UPLOADING))))));
        assertThat(l.find(redAndSaleOrCategory)).isEqualTo(idsOf(l.a, l.c, l.e));
        assertThat(l.count(redAndSaleOrCategory)).isEqualTo(3);
        assertThat(l.find(new PictureFilter.Any(List.of()))).isEmpty();
        assertThat(l.count(text(PictureFilter.TextField.TITLE, "hat"))).isEqualTo(2);
    }

    @Test
    void searchOrdersAndPagesByOffsetOrByKeyset() {
        Library l = new Library();
        var createdDesc = List.of(new PictureSearch.Sort(PictureFilter.TimeField.CREATED, true));
        var modifiedAsc = List.of(new PictureSearch.Sort(PictureFilter.TimeField.MODIFIED, false));
        assertThat(l.search(PictureFilter.everything(), createdDesc, null, 0, 10)).isEqualTo(idsOf(l.e, l.d, l.c, l.b, l.a));
        assertThat(l.search(PictureFilter.everything(), modifiedAsc, null, 0, 10)).isEqualTo(idsOf(l.b, l.d, l.c, l.a, l.e));
        assertThat(l.search(PictureFilter.everything(), createdDesc, null, 1, 2)).isEqualTo(idsOf(l.d, l.c));
        assertThat(l.search(PictureFilter.everything(), List.of(new PictureSearch.Sort(PictureFilter.TimeField.MODIFIED, true),
                new PictureSearch.Sort(PictureFilter.TimeField.CREATED, false)), null, 0, 2)).isEqualTo(idsOf(l.e, l.a));
        // a keyset page continues right after its position, through the tie between c and d
        PictureSearch s = new PictureSearch(PictureFilter.everything(), createdDesc, null, 0, 1);
        assertThat(l.search(PictureFilter.everything(), createdDesc, s.positionOf(l.d), 0, 2)).isEqualTo(idsOf(l.c, l.b));
        assertThat(l.search(PictureFilter.everything(), createdDesc, s.positionOf(l.a), 0, 2)).isEmpty();
        PictureSearch asc = new PictureSearch(PictureFilter.everything(), List.of(new PictureSearch.Sort(PictureFilter.TimeField.CREATED, false)), null, 0, 1);
        assertThat(l.search(PictureFilter.everything(), asc.sorts(), asc.positionOf(l.c), 0, 10)).isEqualTo(idsOf(l.d, l.e));
        PictureSearch mod = new PictureSearch(PictureFilter.everything(), modifiedAsc, null, 0, 1);
        assertThat(l.search(text(PictureFilter.TextField.TITLE, "red"), modifiedAsc, mod.positionOf(l.c), 0, 10)).isEqualTo(idsOf(l.a, l.e));
        // the whole traversal page by page: every picture once
        List<Long> all = new ArrayList<>();
        PictureSearch.Position after = null;
        while (true) {
            List<Picture> page = store.searchPictures(l.t.id(), new PictureSearch(PictureFilter.everything(), createdDesc, after, 0, 2));
            if (page.isEmpty()) break;
            page.forEach(p -> all.add(p.pictureId()));
            after = s.positionOf(page.get(page.size() - 1));
        }
        assertThat(all).isEqualTo(idsOf(l.e, l.d, l.c, l.b, l.a));
    }

    @Test
    void deletingACategoryDeletesItsWholeSubtreeAtAnyDepth() {
        Tenant t = newTenant("deep", 100_000, 0);
        Category l1 = store.insertCategory(category(t.id(), 0, "l1", 0, T0), 100);
        Category l2 = store.insertCategory(category(t.id(), l1.id(), "l2", 0, T0), 100);
        Category l3 = store.insertCategory(category(t.id(), l2.id(), "l3", 0, T0), 100);
        Category l3b = store.insertCategory(category(t.id(), l2.id(), "l3b", 0, T0), 100);
        Category other = store.insertCategory(category(t.id(), 0, "other", 0, T0), 100);
        Picture deep = insert(picture(t.id()).category(l3.id()));
        Picture kept = insert(picture(t.id()).category(other.id()));
        assertThat(store.deleteCategory(t.id(), l1.id(), T0.plusSeconds(1))).isTrue();
        for (Category gone : List.of(l1, l2, l3, l3b)) assertThat(store.findCategory(t.id(), gone.id())).isEmpty();
        assertThat(store.findCategory(t.id(), other.id())).isPresent();
        assertThat(store.findPicture(t.id(), deep.pictureId()).orElseThrow().categoryId()).isEqualTo(Category.DEFAULT_ID);
        assertThat(store.findPicture(t.id(), kept.pictureId()).orElseThrow().categoryId()).isEqualTo(other.id());
    }

    // ================================================================ blobs and fsck

    /** Fsck merges this listing with the blob store's, which is in byte order: any other order (a collation) breaks it. */
    @Test
    void blobRecordsAreVisitedInAscendingKeyOrder() {
        Tenant t = newTenant("ordered", 1_000_000, 0);
        List<String> keys = new ArrayList<>();
        for (String k : List.of("f" + "0".repeat(63), "0".repeat(64), "9" + "f".repeat(63), "a" + "0".repeat(63),
                "0".repeat(63) + "a", "0".repeat(63) + "9", "e".repeat(32) + "1".repeat(32)))
            keys.add(insert(picture(t.id()).blob(k)).blobKey());
        for (int i = 0; i < 20; i++) keys.add(insert(picture(t.id())).blobKey());
        List<String> seen = new ArrayList<>();
        store.forEachBlobRecord(r -> seen.add(r.key()));
        keys.sort(null);
        assertThat(seen).containsExactlyElementsOf(keys);
    }

    @Test
    void blobRecordsAreVisitedAndDeletedOnlyWhenUnreferenced() {
        Tenant t = newTenant("alice", 50_000, 0);
        Picture kept = insert(picture(t.id()).size(10));
        Picture dropped = insert(picture(t.id()).size(20));
        store.recyclePictures(t.id(), List.of(dropped.pictureId()), T0);
        store.purgeRecycled(T0.plusSeconds(1), 10);

        List<BlobRecord> seen = new ArrayList<>();
        store.forEachBlobRecord(seen::add);
        assertThat(seen).extracting(BlobRecord::key).containsExactlyInAnyOrder(kept.blobKey(), dropped.blobKey());
        assertThat(seen).filteredOn(r -> r.key().equals(kept.blobKey())).singleElement()
                .isEqualTo(new BlobRecord(kept.blobKey(), 10, 1, null));

        assertThat(store.deleteBlobRecordIfUnreferenced(kept.blobKey())).isFalse();
        assertThat(store.deleteBlobRecordIfUnreferenced(dropped.blobKey())).isTrue();
        assertThat(store.deleteBlobRecordIfUnreferenced(dropped.blobKey())).isFalse();
        assertThat(store.findBlob(dropped.blobKey())).isEmpty();
        assertThat(store.findBlob(kept.blobKey())).isPresent();
    }

    @Test
    void aBlobRowWhoseCountIsWronglyZeroIsNotDeletedWhilePicturesNameIt() {
        Tenant t = newTenant("alice", 50_000, 0);
        Picture p = insert(picture(t.id()).size(10));
        executeSql("UPDATE stored_blob SET ref_count = 0 WHERE blob_key = '" + p.blobKey() + "'");
        assertThat(store.deleteBlobRecordIfUnreferenced(p.blobKey())).isFalse();
        assertThat(store.findBlob(p.blobKey())).isPresent();
    }

    @Test
    void referenceCountDriftIsFoundAndRepaired() {
        Tenant t = newTenant("alice", 50_000, 0);
        String shared = key("shared");
        Picture a = insert(picture(t.id()).blob(shared).size(100));
        insert(picture(t.id()).blob(shared).size(100));
        Picture lonely = insert(picture(t.id()).size(200));
        Picture recycled = insert(picture(t.id()).size(300));
        store.recyclePictures(t.id(), List.of(recycled.pictureId()), T0);
        insert(picture(t.id()).size(50)); // untouched
        assertThat(store.findRefCountMismatches()).isEmpty();
        assertThat(store.repairRefCounts()).isZero();

        executeSql("UPDATE stored_blob SET ref_count = 7 WHERE blob_key = '" + shared + "'");
        executeSql("DELETE FROM stored_blob WHERE blob_key = '" + lonely.blobKey() + "'");
        executeSql("UPDATE stored_blob SET ref_count = 0 WHERE blob_key = '" + recycled.blobKey() + "'");
        executeSql("INSERT INTO stored_blob (blob_key, size_bytes, ref_count, zero_since) VALUES ('" + key("orphan") + "', 5, 2, NULL)");

        assertThat(store.findRefCountMismatches()).containsExactlyInAnyOrder(
                new Mismatch("blob " + shared, 7, 2),
                new Mismatch("blob " + lonely.blobKey() + " (no row)", 0, 1),
                new Mismatch("blob " + recycled.blobKey(), 0, 1), // a recycled picture still holds its reference
                new Mismatch("blob " + key("orphan"), 2, 0));

        assertThat(store.repairRefCounts()).isEqualTo(4);
        assertThat(store.findRefCountMismatches()).isEmpty();
        assertThat(refs(shared)).isEqualTo(2);
        assertThat(store.findBlob(lonely.blobKey())).contains(new BlobRecord(lonely.blobKey(), 200, 1, null));
        assertThat(refs(recycled.blobKey())).isEqualTo(1);
        assertThat(store.findBlob(key("orphan")).orElseThrow().zeroSince()).isNotNull();
        assertThat(store.findBlob(key("orphan")).orElseThrow().refCount()).isZero();
        assertThat(store.deleteBlobRecordIfUnreferenced(key("orphan"))).isTrue();
        assertThat(refs(a.blobKey())).isEqualTo(2);
    }

    @Test
    void usageDriftIsFoundAndRepaired() {
        Tenant a = newTenant("alice", 50_000, 0), b = newTenant("bob", 50_000, 0), c = newTenant("carol", 50_000, 0);
        insert(picture(a.id()).size(100));
        insert(picture(a.id()).size(200));
        Picture recycled = insert(picture(a.id()).size(400));
        store.recyclePictures(a.id(), List.of(recycled.pictureId()), T0);
        insert(picture(a.id()).uploading());
        insert(picture(b.id()).size(1000));
        assertThat(store.findUsageMismatches()).isEmpty();

        executeSql("UPDATE tenant SET used_bytes = 12345 WHERE id = " + a.id());
        executeSql("UPDATE tenant SET used_bytes = 1 WHERE id = " + c.id());
        assertThat(store.findUsageMismatches()).containsExactly(
                new Mismatch("tenant " + a.id(), 12345, 300),
                new Mismatch("tenant " + c.id(), 1, 0));
        assertThat(store.repairUsage()).isEqualTo(2);
        assertThat(store.findUsageMismatches()).isEmpty();
        assertThat(used(a.id())).isEqualTo(300);
        assertThat(used(b.id())).isEqualTo(1000);
        assertThat(used(c.id())).isZero();

        // The kept count of live pictures (what an unfiltered count answers) drifts and is repaired the same way.
        assertThat(store.countPictures(a.id(), PictureQuery.all())).isEqualTo(3); // two normal, one uploading
        executeSql("UPDATE tenant SET live_pictures = 99 WHERE id = " + b.id());
        assertThat(store.findUsageMismatches()).containsExactly(new Mismatch("tenant " + b.id() + " live pictures", 99, 1));
        assertThat(store.countPictures(b.id(), PictureQuery.all())).isEqualTo(99);
        assertThat(store.repairUsage()).isEqualTo(1);
        assertThat(store.countPictures(b.id(), PictureQuery.all())).isEqualTo(1);
        assertThat(store.findUsageMismatches()).isEmpty();
    }

    // ================================================================ concurrency

    @Test
    void concurrentUploadsNeverOvershootTheQuota() throws Exception {
        Tenant t = newTenant("racer", 50_000, 0);
        int threads = 16, uploadsEach = 10;
        List<String> keys = List.of(key("r0"), key("r1"), key("r2"), key("r3"), key("r4"), key("r5"), key("r6"));
        List<Picture> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int j = 0; j < uploadsEach; j++) {
                        Picture p = picture(t.id()).size(1000).blob(keys.get((thread * uploadsEach + j) % keys.size())).build();
                        try {
                            store.insertPicture(p);
                            accepted.add(p);
                        } catch (QuotaExceededException e) {
                            refused.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(unexpected).isEmpty();
        assertThat(accepted).hasSize(50);
        assertThat(refused.get()).isEqualTo(110);
        assertThat(used(t.id())).isEqualTo(50_000);
        assertThat(store.countPictures(t.id(), PictureQuery.all())).isEqualTo(50);
        for (String k : keys)
            assertThat(refs(k)).isEqualTo(accepted.stream().filter(p -> p.blobKey().equals(k)).count());
        assertThat(store.findRefCountMismatches()).isEmpty();
        assertThat(store.findUsageMismatches()).isEmpty();
    }

    /**
     * Several nodes (independent stores, own pools) and many threads at the quota edge at once:
     * uploads of assorted sizes, replaces that grow or shrink a picture, recycles that free space
     * for more uploads. The space is never overshot and, at the end, used is exactly the sum of
     * the sizes of the pictures the callers were told are there.
     */
    @Test
    void severalNodesRacingAtTheQuotaEdgeNeverOvershootAndUsedIsTheSumOfSizes() throws Exception {
        List<MetadataStore> nodes = List.of(store, anotherStore(), anotherStore(), anotherStore());
        long available = 60_000;
        Tenant t = newTenant("edge", 50_000, 10_000);
        int threadsPerNode = 4, opsEach = 40;
        Map<Long, Long> live = new java.util.concurrent.ConcurrentHashMap<>(); // picture id → size, as acknowledged
        AtomicInteger refused = new AtomicInteger();
        AtomicLong overshoot = new AtomicLong(-1);
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean racing = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode + 1);
        try {
            Future<?> watcher = pool.submit(() -> { // what any reader may see while it runs
                start.await();
                while (racing.get()) {
                    long used = store.findTenant(t.id()).orElseThrow().usedBytes();
                    if (used > available) overshoot.set(used);
                    Thread.sleep(2);
                }
                return null;
            });
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < nodes.size(); n++) {
                for (int k = 0; k < threadsPerNode; k++) {
                    MetadataStore s = nodes.get(n);
                    java.util.Random random = new java.util.Random(31L * n + k);
                    int thread = n * threadsPerNode + k;
                    done.add(pool.submit(() -> {
                        start.await();
                        List<Long> mine = new ArrayList<>();
                        for (int j = 0; j < opsEach; j++) {
                            int op = random.nextInt(10);
                            try {
                                if (op < 6 || mine.isEmpty()) {
                                    long size = 500 + random.nextInt(2500);
                                    Picture p = picture(t.id()).size(size).blob(key("edge-" + (thread * opsEach + j) % 9)).build();
                                    s.insertPicture(p);
                                    live.put(p.pictureId(), size);
                                    mine.add(p.pictureId());
                                } else if (op < 8) {
                                    long id = mine.get(random.nextInt(mine.size()));
                                    long size = 500 + random.nextInt(4000);
                                    s.attachBlob(t.id(), id, attachment(key("edge-r" + random.nextInt(5)), size));
                                    live.put(id, size);
                                } else {
                                    long id = mine.remove(random.nextInt(mine.size()));
                                    assertThat(s.recyclePictures(t.id(), List.of(id), T0)).isEqualTo(1);
                                    live.remove(id);
                                }
                            } catch (QuotaExceededException e) {
                                refused.incrementAndGet();
                            } catch (Throwable e) {
                                unexpected.add(e);
                            }
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
            racing.set(false);
            watcher.get(10, TimeUnit.SECONDS);
        } finally {
            racing.set(false);
            pool.shutdownNow();
        }

        assertThat(unexpected).isEmpty();
        assertThat(overshoot.get()).as("used seen above the available space").isEqualTo(-1);
        assertThat(refused.get()).as("the race reached the edge").isPositive();
        long sum = live.values().stream().mapToLong(Long::longValue).sum();
        for (MetadataStore s : nodes) {
            Tenant after = s.findTenant(t.id()).orElseThrow();
            assertThat(after.usedBytes()).isLessThanOrEqualTo(available).isEqualTo(sum);
            assertThat(s.countPictures(t.id(), PictureQuery.all())).isEqualTo(live.size());
        }
        assertThat(store.findUsageMismatches()).isEmpty();
        assertThat(store.findRefCountMismatches()).isEmpty();
    }

    /** Two nodes adding categories at the limit at once: the limit holds exactly. */
    @Test
    void concurrentCategoryInsertsNeverPassTheLimit() throws Exception {
        MetadataStore other = anotherStore();
        Tenant t = newTenant("folders", 1000, 0); // two system categories
        int limit = 12, threads = 8, each = 5;
        AtomicInteger made = new AtomicInteger(), refused = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                MetadataStore s = i % 2 == 0 ? store : other;
                int thread = i;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int j = 0; j < each; j++) {
                        try {
                            s.insertCategory(category(t.id(), 0, "c-" + thread + "-" + j, 0, T0), limit);
                            made.incrementAndGet();
                        } catch (CategoryRuleException e) {
                            refused.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(unexpected).isEmpty();
        assertThat(made.get()).isEqualTo(limit - 2);
        assertThat(refused.get()).isEqualTo(threads * each - (limit - 2));
        assertThat(store.findCategories(t.id(), CategoryQuery.all())).hasSize(limit);
    }

    /**
     * fsck's repairs run on a live system (the server sweeps hourly, on every node): repairing
     * drift while other nodes upload, replace and recycle fails none of them (no deadlock, no
     * lock timeout) and ends clean. That a repair counts a write committing while it runs is
     * shown deterministically where it can go wrong (PostgresMetadataStoreTest); here the last
     * repair would mend what an earlier one got wrong.
     */
    @Test
    void repairsRunBesideWritesOfOtherNodesWithoutFailingThem() throws Exception {
        MetadataStore other = anotherStore();
        Tenant t = newTenant("busy", 10_000_000, 0);
        for (int i = 0; i < 6; i++) insert(picture(t.id()).size(100).blob(key("busy-" + i % 3)));
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                MetadataStore s = i % 2 == 0 ? store : other;
                int thread = i;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int j = 0; j < 40; j++) {
                        try {
                            Picture p = picture(t.id()).size(100 + j).blob(key("busy-" + j % 3)).build();
                            s.insertPicture(p);
                            if (j % 3 == 0) s.attachBlob(t.id(), p.pictureId(), attachment(key("busy-" + (j + thread) % 4), 300));
                            if (j % 4 == 0) s.recyclePictures(t.id(), List.of(p.pictureId()), T0);
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    }
                    return null;
                }));
            }
            done.add(pool.submit(() -> {
                start.await();
                for (int r = 0; r < 15; r++) {
                    // drift, as a crash or a hand edit leaves it, then the repair, amid the writes
                    executeSql("UPDATE tenant SET used_bytes = used_bytes + 7, live_pictures = live_pictures + 1 WHERE id = " + t.id());
                    executeSql("UPDATE stored_blob SET ref_count = ref_count + 5 WHERE blob_key = '" + key("busy-" + r % 3) + "'");
                    MetadataStore s = r % 2 == 0 ? store : other;
                    s.repairUsage();
                    s.repairRefCounts();
                }
                return null;
            }));
            start.countDown();
            for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(unexpected).isEmpty();
        assertThat(store.findUsageMismatches()).isEmpty();
        assertThat(store.findRefCountMismatches()).isEmpty();
    }

    @Test
    void twoStoresOnTheSameDatabaseWriteAtTheSameTime() throws Exception {
        MetadataStore other = anotherStore();
        Tenant t = newTenant("shared", 10_000_000, 0);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger tenantsMade = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                MetadataStore s = i % 2 == 0 ? store : other;
                int thread = i;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int j = 0; j < 15; j++) {
                        try {
                            Picture p = picture(t.id()).size(100).blob(key("two-" + (j % 3))).build();
                            s.insertPicture(p);
                            if (j % 5 == 0) s.recyclePictures(t.id(), List.of(p.pictureId()), T0);
                            if (j % 7 == 0) {
                                newTenant(s, "t-" + thread + "-" + j, 1000, 0);
                                tenantsMade.incrementAndGet();
                            }
                            s.countPictures(t.id(), PictureQuery.all());
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(errors).isEmpty();
        long live = 8 * 15 - 8 * 3; // j = 0, 5, 10 were recycled
        for (MetadataStore s : List.of(store, other)) {
            assertThat(s.countPictures(t.id(), PictureQuery.all())).isEqualTo(live);
            assertThat(s.findTenant(t.id()).orElseThrow().usedBytes()).isEqualTo(live * 100);
            assertThat(s.listTenants()).hasSize(1 + tenantsMade.get());
            assertThat(s.findRefCountMismatches()).isEmpty();
            assertThat(s.findUsageMismatches()).isEmpty();
        }
        Optional<BlobRecord> r = other.findBlob(key("two-0"));
        assertThat(r).isPresent();
    }

    // ================================================================ multipart uploads (OSS endpoint)

    private MetadataStore.MultipartUpload newUpload(long tenantId, long pictureId, Instant initiated) {
        MetadataStore.MultipartUpload u = new MetadataStore.MultipartUpload(hex(16, "upload" + nextId()), tenantId,
                pictureId, "image/default/" + hex(16, "obj" + pictureId) + ".png", initiated);
        store.insertMultipartUpload(u);
        return u;
    }

    private static MetadataStore.MultipartPart part(MetadataStore.MultipartUpload u, int number, String blobKey, long size) {
        return new MetadataStore.MultipartPart(u.uploadId(), number, blobKey, size, hex(16, "md5" + blobKey), T0);
    }

    @Test
    void multipartUploadsKeepTheirPartsInOrderAndAPartNumberUploadedAgainReplacesThePart() {
        Tenant t = newTenant("mp", 10_000, 0);
        Picture p = insert(picture(t.id()).uploading());
        MetadataStore.MultipartUpload u = newUpload(t.id(), p.pictureId(), T0);
        assertThat(store.findMultipartUpload(u.uploadId())).contains(u);
        assertThat(store.findMultipartParts(u.uploadId())).isEmpty();

        assertThat(store.putMultipartPart(part(u, 3, key("mp-3"), 30))).isTrue();
        assertThat(store.putMultipartPart(part(u, 1, key("mp-1"), 10))).isTrue();
        assertThat(store.putMultipartPart(part(u, 1, key("mp-1b"), 11))).isTrue(); // again: replaces
        List<MetadataStore.MultipartPart> parts = store.findMultipartParts(u.uploadId());
        assertThat(parts).extracting(MetadataStore.MultipartPart::partNumber).containsExactly(1, 3);
        assertThat(parts.get(0)).isEqualTo(part(u, 1, key("mp-1b"), 11));
        assertThat(store.multipartBytesOfTenant(t.id())).isEqualTo(41);
        // parts are not blob references: no stored_blob row, nothing charged
        assertThat(store.findBlob(key("mp-1b"))).isEmpty();
        assertThat(used(t.id())).isZero();
        assertThat(store.findRefCountMismatches()).isEmpty();
        assertThat(anotherStore().findMultipartParts(u.uploadId())).hasSize(2); // any node sees them
    }

    @Test
    void aPartForAnUploadThatIsGoneIsNotRecorded() {
        Tenant t = newTenant("mp-gone", 10_000, 0);
        MetadataStore.MultipartUpload u = newUpload(t.id(), nextId(), T0);
        store.putMultipartPart(part(u, 1, key("gone-1"), 5));
        assertThat(store.deleteMultipartUpload(u.uploadId())).isTrue();
        assertThat(store.deleteMultipartUpload(u.uploadId())).isFalse();
        assertThat(store.findMultipartUpload(u.uploadId())).isEmpty();
        assertThat(store.findMultipartParts(u.uploadId())).isEmpty();
        assertThat(store.putMultipartPart(part(u, 2, key("gone-2"), 5))).isFalse();
        assertThat(store.findMultipartParts(u.uploadId())).isEmpty();
        assertThat(store.putMultipartPart(new MetadataStore.MultipartPart("0".repeat(32), 1, key("nowhere"), 1, "00", T0))).isFalse();
        assertThat(store.multipartBytesOfTenant(t.id())).isZero();
    }

    @Test
    void thePartBlobsOfOpenUploadsAreInUseUntilTheUploadIsDeletedOrPurged() {
        Tenant t = newTenant("mp-fsck", 10_000, 0);
        Tenant other = newTenant("mp-fsck-other", 10_000, 0);
        MetadataStore.MultipartUpload old = newUpload(t.id(), nextId(), T0);
        MetadataStore.MultipartUpload recent = newUpload(other.id(), nextId(), T0.plusSeconds(3600));
        store.putMultipartPart(part(old, 1, key("shared"), 7));
        store.putMultipartPart(part(old, 2, key("old-2"), 7));
        store.putMultipartPart(part(recent, 1, key("shared"), 7));
        assertThat(store.multipartPartBlobInUse(key("shared"))).isTrue();
        assertThat(store.multipartPartBlobInUse(key("old-2"))).isTrue();
        assertThat(store.multipartPartBlobInUse(key("never"))).isFalse();
        assertThat(store.multipartBytesOfTenant(t.id())).isEqualTo(14);
        assertThat(store.multipartBytesOfTenant(other.id())).isEqualTo(7);

        assertThat(store.purgeMultipartUploads(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(store.findMultipartUpload(old.uploadId())).isEmpty();
        assertThat(store.findMultipartUpload(recent.uploadId())).isPresent();
        assertThat(store.multipartPartBlobInUse(key("old-2"))).isFalse();
        assertThat(store.multipartPartBlobInUse(key("shared"))).isTrue(); // still a part of the recent upload
        assertThat(store.deleteMultipartUpload(recent.uploadId())).isTrue();
        assertThat(store.multipartPartBlobInUse(key("shared"))).isFalse();
    }

    @Test
    void picturesAreFoundByImageIdInAnyTenant() {
        Tenant a = newTenant("by-image-a", 10_000, 0);
        Tenant b = newTenant("by-image-b", 10_000, 0);
        Picture pa = insert(picture(a.id()));
        Picture pb = insert(picture(b.id()).uploading());
        assertThat(store.findPictureByImageId(pa.imageId())).map(Picture::pictureId).contains(pa.pictureId());
        assertThat(store.findPictureByImageId(pb.imageId())).map(Picture::tenantId).contains(b.id());
        assertThat(store.findPictureByImageId("f".repeat(32))).isEmpty();
        store.recyclePictures(a.id(), List.of(pa.pictureId()), T0);
        assertThat(store.findPictureByImageId(pa.imageId())).map(Picture::deleted).contains(true);
    }
}
