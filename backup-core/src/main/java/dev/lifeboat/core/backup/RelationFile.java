package dev.lifeboat.core.backup;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of a relation's fork in a data directory, as PostgreSQL names them: global/NODE,
 * base/DB/NODE and pg_tblspc/SPC/PG_VERSION_CATVER/DB/NODE, with _fsm, _vm or _init for
 * the other forks and .N for the segments after the first. Nothing else (pg_filenode.map,
 * pg_internal.init, PG_VERSION, temporary relations t123_456) has pages with checksums.
 *
 * @param tablespace the tablespace oid (1664 for global/, 1663 for base/)
 * @param database   the database oid (0 for global/)
 */
record RelationFile(long tablespace, long database, long relfilenode, String fork, int segment) {

    static final long GLOBAL_TABLESPACE = 1664;
    static final long DEFAULT_TABLESPACE = 1663;

    private static final Pattern NAME = Pattern.compile("(\\d+)(?:_(fsm|vm|init))?(?:\\.(\\d+))?");
    private static final Pattern GLOBAL = Pattern.compile("global/([^/]+)");
    private static final Pattern BASE = Pattern.compile("base/(\\d+)/([^/]+)");
    private static final Pattern TABLESPACE = Pattern.compile("pg_tblspc/(\\d+)/[^/]+/(\\d+)/([^/]+)");

    /** The relation file at this path (relative to the data directory), or null for any other file. */
    static RelationFile parse(String path) {
        Matcher m;
        if ((m = GLOBAL.matcher(path)).matches()) {
            return of(GLOBAL_TABLESPACE, 0, m.group(1));
        }
        if ((m = BASE.matcher(path)).matches()) {
            return of(DEFAULT_TABLESPACE, Long.parseLong(m.group(1)), m.group(2));
        }
        if ((m = TABLESPACE.matcher(path)).matches()) {
            return of(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3));
        }
        return null;
    }

    private static RelationFile of(long tablespace, long database, String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            return new RelationFile(tablespace, database, Long.parseLong(m.group(1)), m.group(2) == null ? "main" : m.group(2),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        } catch (NumberFormatException e) {
            return null; // digits beyond any oid: not PostgreSQL's
        }
    }
}
