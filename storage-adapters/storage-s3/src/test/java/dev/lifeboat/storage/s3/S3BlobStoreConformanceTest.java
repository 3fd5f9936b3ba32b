package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStoreConformanceTest;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

/** The S3 store keeps every promise of a store, against a real S3 server; each test gets a fresh prefix. */
class S3BlobStoreConformanceTest extends BlobStoreConformanceTest {

    @RegisterExtension
    static final LocalS3 S3 = new LocalS3();

    @Override
    protected BlobStore newStore() {
        // Through BlobStores, so that the provider registration is exercised too.
        return BlobStores.open(S3.server().uri(LocalS3Server.EU_BUCKET, "conformance/" + UUID.randomUUID()));
    }
}
