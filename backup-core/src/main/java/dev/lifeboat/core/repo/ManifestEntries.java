package dev.lifeboat.core.repo;

import java.util.List;
import java.util.Optional;

/**
 * Checks a manifest's lists before anything follows them: every entry present, every path a
 * plain relative path inside the data directory, every file's content in a data object. A
 * manifest edited or damaged into other JSON must not make restore write outside the
 * destination (root runs restores) nor fail with an internal error.
 */
final class ManifestEntries {

    private ManifestEntries() {
    }

    /** What is wrong with the first bad entry, or empty. */
    static Optional<String> problem(BackupManifest manifest) {
        if (manifest.files() == null) {
            return Optional.of("field 'files' is missing");
        }
        Optional<String> problem = eachOf("directories", manifest.directories(), d -> pathProblem(d.path()));
        if (problem.isEmpty()) {
            problem = eachOf("files", manifest.files(), ManifestEntries::fileProblem);
        }
        return problem.isEmpty() ? eachOf("links", manifest.links(), l -> pathProblem(l.path())) : problem;
    }

    private static Optional<String> fileProblem(BackupManifest.File file) {
        Optional<String> path = pathProblem(file.path());
        if (path.isPresent()) {
            return path;
        }
        if (file.object() == null || !file.object().startsWith(RepositoryLayout.DATA_PREFIX) || pathProblem(file.object()).isPresent()) {
            return Optional.of("file " + file.path() + " names no data object" + (file.object() == null ? "" : " ('" + file.object() + "')"));
        }
        if (file.sha256() == null || file.size() < 0 || file.offset() < 0 || file.storedSize() < 0) {
            return Optional.of("file " + file.path() + " has no checksum or a negative size or offset");
        }
        return Optional.empty();
    }

    /** A path below the data directory: relative, no empty, '.' or '..' segment. */
    private static Optional<String> pathProblem(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.of("an entry has no path");
        }
        if (path.startsWith("/") || path.indexOf('\0') >= 0 || List.of(path.split("/", -1)).stream()
                .anyMatch(segment -> segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
            return Optional.of("path '" + path + "' is not inside the data directory");
        }
        return Optional.empty();
    }

    private static <T> Optional<String> eachOf(String list, List<T> entries, java.util.function.Function<T, Optional<String>> check) {
        if (entries == null) {
            return Optional.empty();
        }
        for (int i = 0; i < entries.size(); i++) {
            T entry = entries.get(i);
            Optional<String> problem = entry == null ? Optional.of("an entry is empty") : check.apply(entry);
            if (problem.isPresent()) {
                return Optional.of(list + "[" + i + "]: " + problem.get());
            }
        }
        return Optional.empty();
    }
}
