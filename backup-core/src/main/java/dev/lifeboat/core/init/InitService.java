package dev.lifeboat.core.init;

import dev.lifeboat.core.LifeboatVersion;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.storage.BlobStore;

import java.nio.file.Path;
import java.time.Clock;

/** Creates a repository for the cluster a server runs, recording what identifies it. */
public final class InitService {

    public record Request(Path pgdata, ConnectionSettings connection, int compressionLevel) {
    }

    public record Result(String location, RepositoryDescriptor descriptor) {
    }

    private final Clock clock;

    public InitService(Clock clock) {
        this.clock = clock;
    }

    public Result run(BlobStore store, Request request) {
        new ObjectCodec(request.compressionLevel()); // validates the level before anything is written
        try (ClusterSession session = ClusterSession.connect(request.connection())) {
            session.requireDataDirectory(request.pgdata());
            RepositoryDescriptor wanted = new RepositoryDescriptor(
                    RepositoryDescriptor.CURRENT_FORMAT,
                    session.systemIdentifier(),
                    session.majorVersion(),
                    session.serverVersion(),
                    session.walSegmentSize(),
                    new RepositoryDescriptor.Compression("zstd", request.compressionLevel()),
                    "none",
                    clock.instant(),
                    "lifeboat " + LifeboatVersion.version() + " on " + LifeboatVersion.host());
            Repository repository = Repository.initialize(store, wanted);
            return new Result(store.location(), repository.descriptor());
        }
    }
}
