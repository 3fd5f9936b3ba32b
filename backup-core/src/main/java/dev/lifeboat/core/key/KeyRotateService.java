package dev.lifeboat.core.key;

import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;

import java.io.IOException;

/**
 * Wraps an encrypted repository's data keyset with a new key-encryption key (a new passphrase,
 * with a new salt, or a new key file) and replaces the descriptor atomically. No data object is
 * touched: they are encrypted with the data keyset, which stays. Afterwards the old key no
 * longer opens the repository. Moving to a new data keyset means a new repository and replicate.
 */
public final class KeyRotateService {

    public record Result(String location, String oldKey, String newKey, java.util.List<Long> keyIds) {
    }

    public Result run(BlobStore store, KeyEncryptionKeySource oldKey, KeyEncryptionKeySource newKey) {
        RepositoryDescriptor descriptor = Repository.readDescriptor(store).orElseThrow(() -> new LifeboatException(ErrorCode.REPOSITORY,
                "no Lifeboat repository at " + store.location(), "check --repo"));
        if (!descriptor.encrypted()) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + store.location() + " is not encrypted, so it has no key to rotate",
                    "create an encrypted repository with 'lifeboat init --encrypt' and copy the backups into it with 'lifeboat replicate'");
        }
        Repository.open(store, oldKey); // the same checks as every command: format, scheme, the old key opens it
        WrappedKeyset rewrapped = descriptor.dataKeyset().rewrap(oldKey, newKey, descriptor.systemIdentifier(), store.location());
        byte[] json;
        try {
            json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(descriptor.withDataKeyset(rewrapped));
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot write the repository descriptor: " + e.getMessage(), null, e);
        }
        store.put(RepositoryLayout.DESCRIPTOR, BlobContent.of(json), PutMode.REPLACE);
        return new Result(store.location(), oldKey.description(), newKey.description(), rewrapped.keyIds());
    }
}
