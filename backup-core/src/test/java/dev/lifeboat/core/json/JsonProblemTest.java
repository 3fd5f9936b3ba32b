package dev.lifeboat.core.json;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damaged JSON is described in the user's words: what is wrong and where, never Jackson's class names. */
class JsonProblemTest {

    @Test
    void truncatedJsonIsCalledTruncated() {
        assertThat(problem("{\"format\": 1, \"id\": \"2026")).isEqualTo("its JSON ends early (the file is truncated or empty)");
        assertThat(problem("")).isEqualTo("its JSON ends early (the file is truncated or empty)");
    }

    @Test
    void aValueOfTheWrongTypeNamesTheField() {
        assertThat(problem("{\"format\": \"one\"}")).isEqualTo("field 'format' has a value of the wrong type");
    }

    @Test
    void garbageIsNotValidJsonWithItsPlace() {
        assertThat(problem("{\"format\": 1,\n  oops}")).startsWith("it is not valid JSON (line 2");
    }

    @Test
    void aDamagedDescriptorIsCorruptAndSaysWhy() {
        InMemoryBlobStore store = new InMemoryBlobStore("damaged");
        store.put(RepositoryLayout.DESCRIPTOR, BlobContent.of("{\"format\": 1, \"systemIdent".getBytes(StandardCharsets.UTF_8)),
                PutMode.CREATE_ONLY);
        assertThatThrownBy(() -> Repository.open(store)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(e.getMessage()).contains("lifeboat.json is unreadable: its JSON ends early")
                    .doesNotContain("Exception").doesNotContain("`").doesNotContain("Source:");
        });
    }

    private static String problem(String json) {
        try {
            Json.mapper().readValue(json, Probe.class);
            throw new AssertionError("read " + json);
        } catch (IOException e) {
            return Json.problem(e);
        }
    }

    record Probe(int format, String id) {
    }
}
