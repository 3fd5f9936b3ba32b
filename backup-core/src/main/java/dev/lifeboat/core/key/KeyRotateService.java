package dev.lifeboat.core.key;

import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;

import java.io.IOException;
import java.time.Duration;

/**
 * Wraps an encrypted repository's data keyset with a new key-encryption key (a new passphrase,
 * with a new salt, or a new key file) and replaces the descriptor atomically. No data object is
 * touched: they are encrypted with the data keyset, which stays. Afterwards the old key no
 * longer opens the repository. Moving to a new data keyset means a new repository and replicate.
 * It runs under the repository's lock and reads the descriptor again once it holds it, so two
 * rotations at once cannot both succeed: the second finds the first's key and refuses its old one.
 */
public final class KeyRotateService {

    public record Result(String location, String oldKey, String newKey, java.util.List<Long> keyIds) {
    }

    public Result run(BlobStore store, KeyEncryptionKeySource oldKey, KeyEncryptionKeySource newKey) {
        return run(store, oldKey, newKey, Duration.ZERO);
    }

    public Result run(BlobStore store, KeyEncryptionKeySource oldKey, KeyEncryptionKeySource newKey, Duration lockWait) {
        requireEncrypted(store, descriptorOf(store));
        // Not closed: closing a repository closes the caller's store.
        Repository repository = Repository.open(store, oldKey); // format, scheme, and that the old key opens it
        try (RepositoryLock lock = RepositoryLock.acquire(repository.store(), "key rotate", lockWait)) {
            RepositoryDescriptor descriptor = descriptorOf(store);
            Repository.open(store, oldKey); // again under the lock: another rotation may have replaced it meanwhile
            WrappedKeyset rewrapped = descriptor.dataKeyset().rewrap(oldKey, newKey, descriptor.systemIdentifier(), store.location());
            lock.requireHeld();
            store.put(RepositoryLayout.DESCRIPTOR, BlobContent.of(json(descriptor.withDataKeyset(rewrapped))), PutMode.REPLACE);
            return new Result(store.location(), oldKey.description(), newKey.description(), rewrapped.keyIds());
        }
    }

    private static RepositoryDescriptor descriptorOf(BlobStore store) {
        return Repository.readDescriptor(store).orElseThrow(() -> new LifeboatException(ErrorCode.REPOSITORY,
                "no Lifeboat repository at " + store.location(), "check --repo"));
    }

    private static void requireEncrypted(BlobStore store, RepositoryDescriptor descriptor) {
        if (!descriptor.encrypted()) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + store.location() + " is not encrypted, so it has no key to rotate",
                    "create an encrypted repository with 'lifeboat init --encrypt' and copy the backups into it with 'lifeboat replicate'");
        }
    }

    private static byte[] json(RepositoryDescriptor descriptor) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(descriptor);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot write the repository descriptor: " + e.getMessage(), null, e);
        }
    }
}
