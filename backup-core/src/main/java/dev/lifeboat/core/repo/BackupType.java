package dev.lifeboat.core.repo;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** full: every file; incr: files changed since the previous backup of any type; diff: since the last full. */
public enum BackupType {
    FULL("F"), DIFF("D"), INCR("I");

    private final String suffix;

    BackupType(String suffix) {
        this.suffix = suffix;
    }

    /** The letter that ends a backup id of this type. */
    public String suffix() {
        return suffix;
    }

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type a backup id's last letter names, or null (what is left to know of a backup whose manifest is unreadable). */
    public static BackupType ofSuffix(char letter) {
        for (BackupType type : values()) {
            if (type.suffix.charAt(0) == letter) {
                return type;
            }
        }
        return null;
    }

    public static BackupType parse(String text) {
        for (BackupType type : values()) {
            if (type.jsonName().equalsIgnoreCase(text)) {
                return type;
            }
        }
        throw new IllegalArgumentException("backup type must be full, diff or incr, not '" + text + "'");
    }
}
