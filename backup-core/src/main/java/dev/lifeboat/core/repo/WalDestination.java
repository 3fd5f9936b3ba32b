package dev.lifeboat.core.repo;

import java.nio.file.Path;
import java.util.List;

/**
 * Where wal-push stores a WAL file: one {@link Repository}, or a {@link dev.lifeboat.core.archive.RepositorySet} that
 * stores it in every required repository and queues it for the others.
 */
public interface WalDestination {

    /** The descriptor WAL is checked against (cluster, segment size). */
    RepositoryDescriptor descriptor();

    /** Refuses WAL of a cluster other than the one the destination belongs to. */
    void requireCluster(String systemIdentifier, String what);

    /**
     * Stores the file unless this exact content is already there; returns only once it is
     * durably stored wherever the destination promises (a different content under the same
     * name is refused).
     */
    WalArchive.PushOutcome pushWal(String fileName, WalContent content, String sha256, WalSummary summary);

    /**
     * The repositories whose stored copy of a file decides whether a push succeeds (every
     * required one), for a repair that looks at what they hold.
     */
    List<Repository> requiredRepositories();

    /** {@link #pushWal(String, WalContent, String, WalSummary)} of a file as it is on disk. */
    default WalArchive.PushOutcome pushWal(String fileName, Path file, String sha256, WalSummary summary) {
        return pushWal(fileName, WalContent.of(file), sha256, summary);
    }
}
