package dev.lifeboat.core.check;

/** Free and total space of the file system a directory repository lives on. */
public record StoreSpace(long usableBytes, long totalBytes) {

    public double freePercent() {
        return totalBytes <= 0 ? 100.0 : usableBytes * 100.0 / totalBytes;
    }
}
