package dev.lifeboat.core.jobs;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.util.regex.Pattern;

/** Job names become parts of object keys, so only names that are safe there are usable. */
final class JobNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private JobNames() {
    }

    static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static void requireValid(String name) {
        if (!isValid(name)) {
            throw new LifeboatException(ErrorCode.CONFIG, "job name '" + name + "' is not usable",
                    "use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit");
        }
    }
}
