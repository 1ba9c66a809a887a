package dev.picspace.gateway.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentCacheTest {

    @TempDir
    Path dir;

    final AtomicInteger opens = new AtomicInteger();

    ContentResponder.Representation rep(String etag, byte[] bytes, Path file) {
        return new ContentResponder.Representation(etag, bytes.length, Instant.EPOCH, "image/png", null,
                new ContentResponder.Body() {
                    @Override
                    public InputStream open(long offset, long length) {
                        opens.incrementAndGet();
                        return new ByteArrayInputStream(bytes, (int) offset, (int) length);
                    }

                    @Override
                    public Optional<Path> file() {
                        return Optional.ofNullable(file);
                    }
                });
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void smallBodiesAreReadOnceAndServedReadOnly() throws IOException {
        ContentCache cache = new ContentCache();
        byte[] data = ServeTestSupport.randomBytes(1000, 1);
        ByteBuffer first = cache.buffer(rep("a", data, null), null);
        ByteBuffer second = cache.buffer(rep("a", data, null), null);
        assertThat(bytes(first)).isEqualTo(data);
        assertThat(second).isSameAs(first);
        assertThat(second.isReadOnly()).isTrue();
        assertThat(second.isDirect()).isTrue();
        assertThat(opens.get()).isEqualTo(1);
    }

    @Test
    void theSmallAreaStaysWithinItsBudget() throws IOException {
        ContentCache cache = new ContentCache(10_000, 4_000, 0);
        for (int i = 0; i < 100; i++) {
            cache.buffer(rep("k" + i, ServeTestSupport.randomBytes(3_000, i), null), null);
            assertThat(cache.smallBytes()).isLessThanOrEqualTo(10_000);
        }
        assertThat(cache.smallBytes()).isEqualTo(9_000);
    }

    @Test
    void aRecentlyUsedEntrySurvivesEviction() throws IOException {
        ContentCache cache = new ContentCache(3_000, 1_000, 0);
        byte[] hot = ServeTestSupport.randomBytes(1_000, 0);
        cache.buffer(rep("hot", hot, null), null);
        for (int i = 0; i < 20; i++) {
            cache.buffer(rep("hot", hot, null), null); // a hit marks it
            cache.buffer(rep("cold" + i, ServeTestSupport.randomBytes(1_000, i + 1), null), null);
        }
        int before = opens.get();
        cache.buffer(rep("hot", hot, null), null);
        assertThat(opens.get()).isEqualTo(before);
    }

    @Test
    void tooLargeWithoutAFileIsNotCached() throws IOException {
        ContentCache cache = new ContentCache(1_000_000, 1_000, 10);
        assertThat(cache.buffer(rep("big", new byte[5_000], null), null)).isNull();
    }

    @Test
    void largeFilesAreMappedUpToTheLimit() throws IOException {
        ContentCache cache = new ContentCache(1_000_000, 1_000, 2);
        for (int i = 0; i < 5; i++) {
            byte[] data = ServeTestSupport.randomBytes(50_000, i);
            Path file = ServeTestSupport.writeFile(dir, "f" + i, data);
            ByteBuffer mapped = cache.buffer(rep("f" + i, data, file), file);
            assertThat(bytes(mapped)).isEqualTo(data);
            assertThat(mapped.isReadOnly()).isTrue();
            assertThat(cache.mappedFiles()).isLessThanOrEqualTo(2);
        }
        assertThat(opens.get()).isZero();
    }

    @Test
    void aFileOfTheWrongSizeIsRefused() throws IOException {
        ContentCache cache = new ContentCache();
        Path small = ServeTestSupport.writeFile(dir, "small", new byte[100]);
        assertThatThrownBy(() -> cache.buffer(new ContentResponder.Representation("x", 101, null, "image/png", null,
                rep("x", new byte[101], small).body()), small)).isInstanceOf(IOException.class);
        Path large = ServeTestSupport.writeFile(dir, "large", new byte[100_000]);
        assertThatThrownBy(() -> cache.buffer(new ContentResponder.Representation("y", 200_000, null, "image/png", null,
                rep("y", new byte[1], large).body()), large)).isInstanceOf(IOException.class);
    }

    @Test
    void aCachedEntryThatDisagreesWithTheMetadataIsRefused() throws IOException {
        ContentCache cache = new ContentCache();
        cache.buffer(rep("same", new byte[10], null), null);
        assertThatThrownBy(() -> cache.buffer(rep("same", new byte[11], null), null)).isInstanceOf(IOException.class);
    }

    @Test
    void representationsRefuseBadTags() {
        ContentResponder.Body body = (offset, length) -> InputStream.nullInputStream();
        for (String bad : new String[] {"", "a\"b", "a b", "a\u0000", "\u0100"}) {
            assertThatThrownBy(() -> new ContentResponder.Representation(bad, 1, null, "image/png", null, body))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
