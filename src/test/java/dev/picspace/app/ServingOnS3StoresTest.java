package dev.picspace.app;

import dev.picspace.domain.Picture;
import dev.picspace.domain.UploadSpec;
import dev.picspace.store.CountingTcpProxy;
import dev.picspace.store.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every serving test again with the blobs in an S3 bucket (S3Proxy), reached through a relay that
 * counts what the object store sends: a Range request must become a ranged GET, and a large
 * picture must be fetched once per request and streamed, never cached whole.
 */
class ServingOnS3StoresTest extends ServingOnStoresTest {
    private CountingTcpProxy wire;

    @Override
    Map<String, String> settings() throws Exception {
        S3TestServer s3 = S3TestServer.get();
        wire = new CountingTcpProxy(s3.endpoint());
        return Map.of("blobs", s3.uriOf(s3.freshBucket(), "serve", wire.uri()));
    }

    @AfterAll
    void closeWire() throws Exception { wire.close(); }

    @Test
    void rangeRequestsAreRangedGetsAndLargeBodiesAreStreamedFromTheBucket() throws Exception {
        var t = fx.tenant("wire", 100 << 20, 0);
        byte[] jpeg = largeJpeg();
        Picture p = fx.picspace.space().upload(t.tenant.id(), new ByteArrayInputStream(jpeg), UploadSpec.named("w.jpg"));
        String path = "/i/" + p.urlToken() + ".jpg";

        wire.reset();
        HttpResponse<byte[]> range = get(path, "Range", "bytes=1000-1999");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(jpeg, 1000, 2000));
        assertThat(wire.bytesFromServer()).as("bytes from S3 for a 1000-byte range").isLessThan(16 * 1024);

        // a large picture is not kept in memory: each full GET streams it from the bucket again
        for (int i = 0; i < 2; i++) {
            wire.reset();
            HttpResponse<byte[]> whole = get(path);
            assertThat(whole.body()).isEqualTo(jpeg);
            assertThat(wire.bytesFromServer()).as("bytes from S3 for a full GET").isBetween((long) jpeg.length, jpeg.length + 64 * 1024L);
        }

        wire.reset();
        assertThat(get(path, "If-None-Match", "\"" + p.blobKey() + "\"").statusCode()).isEqualTo(304);
        assertThat(wire.bytesFromServer()).as("a 304 reads no bytes").isZero();
    }
}
