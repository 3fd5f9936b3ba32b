/**
 * How content is stored: zstd frames and the SHA-256 of the plain bytes, computed while they
 * stream ({@code ObjectCodec}, {@code EncodingStream}, {@code ContentDigest}).
 *
 * <p>May use zstd-jni and {@code error} only; knows nothing of repositories or keys.
 */
package dev.lifeboat.core.codec;
