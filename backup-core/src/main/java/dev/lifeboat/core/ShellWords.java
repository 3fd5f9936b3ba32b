package dev.lifeboat.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Words for {@code /bin/sh}: the one place Lifeboat quotes a command line that a shell will
 * split again (pg_ctl's {@code -o}, archive_command and restore_command, crontab lines).
 */
public final class ShellWords {

    /** Characters the shell takes literally outside quotes: such a word stays bare, so it reads as typed. */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private ShellWords() {
    }

    /** {@code word} as one shell word: bare when safe, else single-quoted ({@code it's} -> {@code 'it'\''s'}). */
    public static String quote(String word) {
        if (BARE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** {@code words}, each {@linkplain #quote quoted}, joined by spaces. */
    public static String join(List<String> words) {
        return String.join(" ", words.stream().map(ShellWords::quote).toList());
    }
}
