package dev.lifeboat.core.crypto;

import com.google.crypto.tink.Aead;

/**
 * Where the key-encryption key (KEK) of a repository comes from: it wraps and unwraps the data
 * keyset, never an object. A key file, a passphrase or (later) a cloud KMS doing envelope
 * encryption each implement this and nothing else changes.
 */
public interface KeyEncryptionKeySource {

    /** Where the key comes from, for messages ("key file /etc/lifeboat/repo.key"): never the key. */
    String description();

    /** How to wrap a data keyset anew (init, key rotate): for a passphrase, a fresh random salt. */
    KeyWrapping newWrapping();

    /**
     * The KEK for a keyset wrapped as {@code wrapping} says, or a KEY error naming
     * {@code repository} when this source cannot give it (another kind of key, unreadable file,
     * failing passphrase command).
     */
    Aead keyEncryptionKey(KeyWrapping wrapping, String repository);

    /**
     * The first key given, in the order of preference: a key file, a command that prints the
     * passphrase, the passphrase itself (from an environment variable); none when none is.
     *
     * @param commandWhat how the command was given, for messages (e.g. "--passphrase-command")
     * @param variable    the variable the passphrase came from, for messages
     */
    static KeyEncryptionKeySource firstGiven(String keyFile, String command, String passphrase, String commandWhat, String variable) {
        if (keyFile != null && !keyFile.isBlank()) {
            return new KeyFile(java.nio.file.Path.of(keyFile));
        }
        if (command != null && !command.isBlank()) {
            return Passphrase.fromCommand(command, "passphrase command (" + commandWhat + ")");
        }
        if (passphrase != null && !passphrase.isEmpty()) {
            return Passphrase.of(passphrase, "passphrase in " + variable);
        }
        return none();
    }

    /** The source of a command given no key: fine for plain repositories, refused by encrypted ones. */
    static KeyEncryptionKeySource none() {
        return MissingKey.INSTANCE;
    }
}
