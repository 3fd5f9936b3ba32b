package dev.lifeboat.cli.it;

import com.github.luben.zstd.ZstdInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a stored object shows a text to someone who reads the repository without its key. */
final class StoredText {

    private StoredText() {
    }

    /** The text in the bytes as stored, or in them decompressed (a plain repository's objects are zstd frames). */
    static boolean holds(Path object, String text) {
        byte[] stored;
        try {
            stored = Files.readAllBytes(object);
        } catch (IOException e) {
            return false; // removed meanwhile (a temporary object)
        }
        if (contains(stored, text)) {
            return true;
        }
        try (ZstdInputStream zstd = new ZstdInputStream(new ByteArrayInputStream(stored))) {
            return contains(zstd.readAllBytes(), text);
        } catch (IOException | RuntimeException notZstd) {
            return false;
        }
    }

    private static boolean contains(byte[] bytes, String text) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
    }
}
