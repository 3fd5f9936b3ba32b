package dev.lifeboat.core.testing;

import dev.lifeboat.core.repo.RepositoryDescriptor;
import java.time.Instant;

/**
 * The repository descriptor tests initialise their repositories with: cluster {@code 7441},
 * PostgreSQL 15.18, 16 MiB WAL segments, zstd level 1, no encryption, created
 * 2026-11-20 14:00 UTC. A test names only what it needs different.
 *
 * <pre>{@code
 * Repository.initialize(store, TestRepositoryDescriptor.standard());
 * Repository.initialize(store, TestRepositoryDescriptor.builder().systemIdentifier("42").compressionLevel(3).build());
 * }</pre>
 */
public final class TestRepositoryDescriptor {

    private String systemIdentifier = "7441";
    private int walSegmentSize = 16 << 20;
    private int compressionLevel = 1;
    private Instant created = Instant.parse("2026-11-20T14:00:00Z");

    private TestRepositoryDescriptor() {
    }

    /** The descriptor with every test default. */
    public static RepositoryDescriptor standard() {
        return builder().build();
    }

    /** A builder starting from the test defaults. */
    public static TestRepositoryDescriptor builder() {
        return new TestRepositoryDescriptor();
    }

    public TestRepositoryDescriptor systemIdentifier(String systemIdentifier) {
        this.systemIdentifier = systemIdentifier;
        return this;
    }

    public TestRepositoryDescriptor walSegmentSize(int walSegmentSize) {
        this.walSegmentSize = walSegmentSize;
        return this;
    }

    /** The zstd level objects are compressed with. */
    public TestRepositoryDescriptor compressionLevel(int compressionLevel) {
        this.compressionLevel = compressionLevel;
        return this;
    }

    public TestRepositoryDescriptor created(Instant created) {
        this.created = created;
        return this;
    }

    public RepositoryDescriptor build() {
        return new RepositoryDescriptor(RepositoryDescriptor.CURRENT_FORMAT, systemIdentifier, 15, "15.18", walSegmentSize,
                new RepositoryDescriptor.Compression("zstd", compressionLevel), "none", created, "test");
    }
}
