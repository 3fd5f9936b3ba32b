package dev.lifeboat.core.backup;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a base backup copies from a data directory, following PostgreSQL's own rules for base
 * backups: no server runtime state (postmaster.pid, pg_replslot, pg_stat_tmp, ...), no WAL (it
 * comes from the archive), no temporary files or relations, only the init fork of unlogged
 * relations. Directories are kept (empty where their contents are skipped) so that a restore
 * recreates the layout PostgreSQL expects. Tablespace links under pg_tblspc are followed.
 */
public final class DataDirectoryInventory {

    /** Directories whose contents are never copied (the directory itself is). */
    private static final Set<String> SKIP_CONTENTS = Set.of(
            "pg_wal", "pg_stat_tmp", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");

    /** Files in the data directory's top level that a restore must not get. */
    private static final Set<String> SKIP_TOP_FILES = Set.of(
            "postmaster.pid", "postmaster.opts", "backup_label", "backup_label.old", "tablespace_map", "tablespace_map.old",
            "backup_manifest", "postgresql.auto.conf.tmp", "current_logfiles.tmp",
            // A restore writes its own signal file; copying the source's would make it a standby.
            "recovery.signal", "standby.signal");

    private static final Pattern TEMP_RELATION = Pattern.compile("t\\d+_\\d+(_(fsm|vm|init))?(\\.\\d+)?");
    private static final Pattern RELATION_FILE = Pattern.compile("(\\d+)(_(fsm|vm|init))?(\\.\\d+)?");

    public record FileEntry(String path, Path source, long size, int mode, Instant modified) {
    }

    public record DirectoryEntry(String path, int mode) {
    }

    public record LinkEntry(String path, String target) {
    }

    public record Inventory(List<DirectoryEntry> directories, List<FileEntry> files, List<LinkEntry> links) {
        public long totalBytes() {
            return files.stream().mapToLong(FileEntry::size).sum();
        }
    }

    private DataDirectoryInventory() {
    }

    public static Inventory of(Path dataDirectory) {
        List<DirectoryEntry> dirs = new ArrayList<>();
        List<FileEntry> files = new ArrayList<>();
        List<LinkEntry> links = new ArrayList<>();
        try {
            walk(dataDirectory, "", dirs, files, links);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.POSTGRES, "cannot read data directory " + dataDirectory + ": " + e.getMessage(),
                    "run the backup as the postgres user or root", e);
        }
        return new Inventory(dirs, files, links);
    }

    private static void walk(Path dir, String relative, List<DirectoryEntry> dirs, List<FileEntry> files,
                             List<LinkEntry> links) throws IOException {
        TreeMap<String, Path> children = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                children.put(child.getFileName().toString(), child);
            }
        } catch (NoSuchFileException e) {
            return; // dropped while we walked (a database or tablespace): WAL replay removes it anyway
        }
        boolean relationDirectory = isRelationDirectory(relative);
        Set<String> unlogged = relationDirectory ? unloggedRelations(children.keySet()) : Set.of();
        for (var entry : children.entrySet()) {
            String name = entry.getKey();
            Path child = entry.getValue();
            String path = relative.isEmpty() ? name : relative + "/" + name;
            if (name.startsWith("pgsql_tmp") || name.startsWith("pg_internal.init")) {
                continue;
            }
            PosixFileAttributes attrs;
            try {
                attrs = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (attrs.isSymbolicLink()) {
                if (path.equals("pg_wal")) {
                    // initdb -X: WAL elsewhere. A restore gets a plain pg_wal directory.
                    dirs.add(new DirectoryEntry("pg_wal", 0700));
                    dirs.add(new DirectoryEntry("pg_wal/archive_status", 0700));
                } else if (relative.equals("pg_tblspc")) {
                    links.add(new LinkEntry(path, Files.readSymbolicLink(child).toString()));
                    walk(child, path, dirs, files, links);
                }
                continue; // other links are not PostgreSQL's business
            }
            if (attrs.isDirectory()) {
                dirs.add(new DirectoryEntry(path, mode(attrs)));
                if (SKIP_CONTENTS.contains(path)) {
                    if (path.equals("pg_wal")) {
                        dirs.add(new DirectoryEntry("pg_wal/archive_status", mode(attrs)));
                    }
                    continue;
                }
                walk(child, path, dirs, files, links);
                continue;
            }
            if (!attrs.isRegularFile()) {
                continue;
            }
            if (relative.isEmpty() && SKIP_TOP_FILES.contains(name)) {
                continue;
            }
            if (relationDirectory && (TEMP_RELATION.matcher(name).matches() || isUnloggedNonInitFork(name, unlogged))) {
                continue;
            }
            files.add(new FileEntry(path, child, attrs.size(), mode(attrs), attrs.lastModifiedTime().toInstant()));
        }
    }

    /** base/OID and pg_tblspc/OID/PG_.../OID hold relation files. */
    private static boolean isRelationDirectory(String relative) {
        return relative.matches("base/\\d+") || relative.matches("pg_tblspc/\\d+/[^/]+/\\d+");
    }

    private static Set<String> unloggedRelations(Set<String> names) {
        Set<String> unlogged = new HashSet<>();
        for (String name : names) {
            if (name.endsWith("_init")) {
                unlogged.add(name.substring(0, name.length() - "_init".length()));
            }
        }
        return unlogged;
    }

    private static boolean isUnloggedNonInitFork(String name, Set<String> unlogged) {
        if (unlogged.isEmpty()) {
            return false;
        }
        var m = RELATION_FILE.matcher(name);
        return m.matches() && unlogged.contains(m.group(1)) && !"init".equals(m.group(3));
    }

    static int mode(PosixFileAttributes attrs) {
        int mode = 0;
        for (PosixFilePermission p : attrs.permissions()) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
