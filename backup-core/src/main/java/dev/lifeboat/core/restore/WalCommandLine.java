package dev.lifeboat.core.restore;

import dev.lifeboat.core.ShellWords;

import java.util.ArrayList;
import java.util.List;

/**
 * The archive_command and restore_command that run Lifeboat for a PostgreSQL server: one
 * /bin/sh command line in which PostgreSQL replaces {@code %f} and {@code %p} first.
 */
public final class WalCommandLine {

    private WalCommandLine() {
    }

    /** restore_command for a restored instance: {@code <lifeboat> wal-fetch <options> <walSource> %f %p}. */
    static String restoreCommand(List<String> lifeboatCommand, List<String> commandOptions, List<String> walSource) {
        return of(concat(lifeboatCommand, List.of("wal-fetch"), commandOptions, walSource, List.of("%f", "%p")));
    }

    /** archive_command that archives into {@code repositoryLocation}. */
    public static String archiveCommand(List<String> lifeboatCommand, List<String> commandOptions, String repositoryLocation) {
        return archiveCommand(lifeboatCommand, commandOptions, List.of("--repo", repositoryLocation));
    }

    /** archive_command that archives where {@code repositoryArguments} say (--repo-name eu,us). */
    public static String archiveCommand(List<String> lifeboatCommand, List<String> commandOptions, List<String> repositoryArguments) {
        return of(concat(lifeboatCommand, List.of("wal-push"), commandOptions, repositoryArguments, List.of("%p")));
    }

    /**
     * Words as one command line for archive_command or restore_command. PostgreSQL expands %
     * sequences before the shell sees the line, so a literal % is doubled; %f and %p, its
     * placeholders, stay bare.
     */
    public static String of(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word.equals("%f") || word.equals("%p") ? word : word(word));
        }
        return line.toString();
    }

    /** One word of such a line: its % doubled, then quoted for the shell. */
    static String word(String word) {
        return ShellWords.quote(word.replace("%", "%%"));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
