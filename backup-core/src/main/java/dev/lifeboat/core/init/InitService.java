package dev.lifeboat.core.init;

import dev.lifeboat.core.LifeboatVersion;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.storage.BlobStore;

import java.nio.file.Path;
import java.time.Clock;

/** Creates a repository for the cluster a server runs, recording what identifies it. */
public final class InitService {

    /** @param encryptWith the key of a new encrypted repository, or null for a plain one */
    public record Request(Path pgdata, ConnectionSettings connection, int compressionLevel, KeyEncryptionKeySource encryptWith) {

        public Request(Path pgdata, ConnectionSettings connection, int compressionLevel) {
            this(pgdata, connection, compressionLevel, null);
        }
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
            boolean encrypt = request.encryptWith() != null;
            KeyEncryptionKeySource keys = encrypt ? request.encryptWith() : KeyEncryptionKeySource.none();
            // An existing repository keeps its keyset: a new one is generated only when there is none yet.
            WrappedKeyset keyset = encrypt && Repository.readDescriptor(store).isEmpty()
                    ? WrappedKeyset.create(keys, session.systemIdentifier(), store.location()) : null;
            RepositoryDescriptor wanted = new RepositoryDescriptor(
                    encrypt ? RepositoryDescriptor.ENCRYPTED_FORMAT : RepositoryDescriptor.CURRENT_FORMAT,
                    session.systemIdentifier(),
                    session.majorVersion(),
                    session.serverVersion(),
                    session.walSegmentSize(),
                    new RepositoryDescriptor.Compression(RepositoryDescriptor.ZSTD, request.compressionLevel()),
                    encrypt ? DataKeyset.ALGORITHM : RepositoryDescriptor.NO_ENCRYPTION,
                    clock.instant(),
                    "lifeboat " + LifeboatVersion.version() + " on " + LifeboatVersion.host(),
                    keyset);
            Repository repository = Repository.initialize(store, wanted, keys);
            return new Result(store.location(), repository.descriptor());
        }
    }
}
