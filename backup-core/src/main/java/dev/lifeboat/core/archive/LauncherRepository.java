package dev.lifeboat.core.archive;

import java.util.List;
import java.util.Optional;

/**
 * The repository words of a wal-push / wal-fetch command line that bin/lifeboat answers without
 * a JVM: {@code --repo R}, and for an encrypted repository {@code --key-file F}. The agent and a
 * restore's prefetch spool write them into their directory's {@code repository} file (the repo
 * on the first line, the key file on the second, absent when none), and the launcher serves
 * from that directory only a command whose words are exactly these.
 *
 * @param repository the --repo text
 * @param keyFile    the --key-file text, or null
 */
public record LauncherRepository(String repository, String keyFile) {

    public static LauncherRepository of(String repository) {
        return new LauncherRepository(repository, null);
    }

    /**
     * The launcher's words from the arguments restore_command passes wal-fetch to name its
     * repository; empty when they are anything else (the launcher would not answer them).
     */
    public static Optional<LauncherRepository> fromArguments(List<String> words) {
        if (words.size() == 2 && words.get(0).equals("--repo")) {
            return Optional.of(of(words.get(1)));
        }
        if (words.size() == 4 && words.get(0).equals("--repo") && words.get(2).equals("--key-file")) {
            return Optional.of(new LauncherRepository(words.get(1), words.get(3)));
        }
        if (words.size() == 4 && words.get(0).equals("--key-file") && words.get(2).equals("--repo")) {
            return Optional.of(new LauncherRepository(words.get(3), words.get(1)));
        }
        return Optional.empty();
    }

    /** The {@code repository} file's content. */
    public String fileText() {
        return repository + "\n" + (keyFile == null ? "" : keyFile + "\n");
    }
}
