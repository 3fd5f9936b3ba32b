package dev.lifeboat.core.crypto;

import com.google.crypto.tink.Aead;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

/** No key was given: an encrypted repository is refused, naming the ways to give one. */
enum MissingKey implements KeyEncryptionKeySource {
    INSTANCE;

    static final String HOW_TO_GIVE_ONE =
            "give --key-file FILE or --passphrase-command CMD (config 'key-file', 'passphrase-command'), or set LIFEBOAT_PASSPHRASE";

    @Override
    public String description() {
        return "no key";
    }

    @Override
    public KeyWrapping newWrapping() {
        throw new LifeboatException(ErrorCode.KEY, "an encrypted repository needs a key and none was given", HOW_TO_GIVE_ONE);
    }

    @Override
    public Aead keyEncryptionKey(KeyWrapping wrapping, String repository) {
        throw new LifeboatException(ErrorCode.KEY, "repository " + repository + " is encrypted and no key was given",
                HOW_TO_GIVE_ONE + " (its data key is wrapped with " + wrapping.describe() + ")");
    }
}
