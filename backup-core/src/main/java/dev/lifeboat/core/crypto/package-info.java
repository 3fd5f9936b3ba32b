/**
 * Encrypted, authenticated repositories. Every object except the descriptor is stored as Tink
 * streaming AEAD ciphertext (AES-256-GCM-HKDF, 1 MiB segments) of one data keyset, with the
 * object's key as associated data ({@link dev.lifeboat.core.crypto.EncryptingBlobStore}). The
 * data keyset is kept in the descriptor only wrapped by a key-encryption key that a
 * {@link dev.lifeboat.core.crypto.KeyEncryptionKeySource} gives (a key file, a passphrase
 * stretched with Argon2id; a cloud KMS can join as another source).
 */
package dev.lifeboat.core.crypto;
