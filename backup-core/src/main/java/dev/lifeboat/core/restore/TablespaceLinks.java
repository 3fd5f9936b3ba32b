package dev.lifeboat.core.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What tells a restored PostgreSQL where its tablespaces are: a link pg_tblspc/OID to each
 * directory, and tablespace_map naming the same directories. With a backup_label, recovery
 * (re)creates the links from tablespace_map; the links are written too so that the restored
 * files can be written through them and so that the layout is right even before recovery.
 */
final class TablespaceLinks {

    static final String MAP_FILE = "tablespace_map";

    private TablespaceLinks() {
    }

    static void write(Path pgdata, List<TablespacePlacement> placements) throws IOException {
        if (placements.isEmpty()) {
            return;
        }
        Path links = Files.createDirectories(pgdata.resolve("pg_tblspc"));
        for (TablespacePlacement p : placements) {
            Files.createSymbolicLink(links.resolve(Long.toString(p.tablespace().oid())), p.target());
        }
        Files.writeString(pgdata.resolve(MAP_FILE), mapText(placements));
    }

    /** tablespace_map's format: "OID PATH" lines, with backslash, CR and LF in the path escaped by a backslash. */
    static String mapText(List<TablespacePlacement> placements) {
        StringBuilder text = new StringBuilder();
        for (TablespacePlacement p : placements) {
            text.append(p.tablespace().oid()).append(' ');
            for (char c : p.target().toString().toCharArray()) {
                if (c == '\\' || c == '\n' || c == '\r') {
                    text.append('\\');
                }
                text.append(c);
            }
            text.append('\n');
        }
        return text.toString();
    }
}
