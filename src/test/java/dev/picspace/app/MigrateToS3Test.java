package dev.picspace.app;

import dev.picspace.store.S3TestServer;

/** {@code migrate} from the blob directory to a real S3 protocol server (S3Proxy). */
class MigrateToS3Test extends MigrateTest {
    private final String bucket = S3TestServer.freshBucketUri();

    @Override
    protected String targetBlobs() { return bucket; }
}
