package dev.lifeboat.storage;

/** Whether a put may replace a blob that is already stored under the key. */
public enum PutMode {
    /** Fail with {@link StorageException.Kind#ALREADY_EXISTS} rather than touch an existing blob. */
    CREATE_ONLY,
    /** Replace an existing blob atomically (readers see the old or the new one, whole). */
    REPLACE
}
