package dev.lifeboat.core.archive;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The words bin/lifeboat's no-JVM paths answer, and the file that tells it which ones a directory serves. */
class LauncherRepositoryTest {

    @Test
    void aPlainRepositoryIsOneLineAndAnEncryptedOneAddsItsKeyFile() {
        assertThat(LauncherRepository.fromArguments(List.of("--repo", "/srv/repo"))).hasValue(LauncherRepository.of("/srv/repo"));
        assertThat(LauncherRepository.of("/srv/repo").fileText()).isEqualTo("/srv/repo\n");
        LauncherRepository encrypted = new LauncherRepository("/srv/repo", "/etc/lifeboat/repo.key");
        assertThat(LauncherRepository.fromArguments(List.of("--repo", "/srv/repo", "--key-file", "/etc/lifeboat/repo.key")))
                .hasValue(encrypted);
        assertThat(LauncherRepository.fromArguments(List.of("--key-file", "/etc/lifeboat/repo.key", "--repo", "/srv/repo")))
                .hasValue(encrypted);
        assertThat(encrypted.fileText()).isEqualTo("/srv/repo\n/etc/lifeboat/repo.key\n");
    }

    @Test
    void anyOtherWordsAreNotTheLaunchersToAnswer() {
        assertThat(LauncherRepository.fromArguments(List.of("--repo-name", "main"))).isEmpty();
        assertThat(LauncherRepository.fromArguments(List.of("--repo", "/srv/repo", "--passphrase-file", "/x"))).isEmpty();
        assertThat(LauncherRepository.fromArguments(List.of())).isEmpty();
    }
}
