package dev.lifeboat.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void leavesSafeWordsBareAndSingleQuotesTheRest() {
        assertThat(ShellWords.quote("/usr/bin/lifeboat")).isEqualTo("/usr/bin/lifeboat");
        assertThat(ShellWords.quote("--repo-name=eu,us")).isEqualTo("--repo-name=eu,us");
        assertThat(ShellWords.quote("s3://bucket/prod?region=eu")).isEqualTo("'s3://bucket/prod?region=eu'");
        assertThat(ShellWords.quote("/opt/life boat")).isEqualTo("'/opt/life boat'");
        assertThat(ShellWords.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellWords.quote("")).isEqualTo("''");
        assertThat(ShellWords.join(List.of("-c", "archive_command=cp %p '/x'"))).isEqualTo("-c 'archive_command=cp %p '\\''/x'\\'''");
    }
}
