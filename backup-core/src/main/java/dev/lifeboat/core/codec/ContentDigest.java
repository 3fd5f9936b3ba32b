package dev.lifeboat.core.codec;

/** The SHA-256 (lowercase hex) and byte count of an object's plain content. */
public record ContentDigest(String sha256, long size) {
}
