package dev.lifeboat.core.repo;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A descriptor edited or damaged into well-formed JSON that is no descriptor ({}, null, a field
 * out of range) is a damaged object (exit 9) naming the file and what is wrong, never an
 * internal error or a usage error found later.
 */
class RepositoryDescriptorTest {

    @Test
    void wellFormedJsonThatIsNoDescriptorIsDamagedAndSaysWhy() throws Exception {
        String valid = Json.mapper().writeValueAsString(TestRepositoryDescriptor.standard());
        Map<String, String> damagedToReason = Map.of(
                "{}", "field 'format' is missing",
                "null", "it holds no descriptor",
                valid.replace("\"walSegmentSize\":16777216", "\"walSegmentSize\":12"), "12 bytes is not a WAL segment size",
                valid.replace("\"walSegmentSize\":16777216,", ""), "field 'walSegmentSize' is missing",
                valid.replace("\"algorithm\":\"zstd\"", "\"algorithm\":\"lz4\""), "compression 'lz4' is not one this Lifeboat reads (zstd)",
                valid.replace("\"level\":1", "\"level\":300"), "compression level 300 is not a zstd level",
                valid.replace("\"systemIdentifier\":\"7441\"", "\"systemIdentifier\":\"abc\""), "'abc' is not a cluster system identifier",
                valid.replaceFirst(",\"compression\":\\{[^}]*\\}", ""), "field 'compression' is missing");
        for (Map.Entry<String, String> damaged : damagedToReason.entrySet()) {
            assertThat(damaged.getKey()).as("the test damaged something").isNotEqualTo(valid);
            InMemoryBlobStore store = storeWithDescriptor(damaged.getKey());
            assertThatThrownBy(() -> Repository.open(store)).as(damaged.getKey()).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                assertThat(e.getMessage()).isEqualTo("repository descriptor " + store.location() + "/" + RepositoryLayout.DESCRIPTOR
                        + " is unreadable: " + damaged.getValue());
                assertThat(e.hint()).contains("another copy of the repository");
            });
        }
    }

    /** An encrypted repository's wrapped data key with a part missing (it failed with a NullPointerException, exit 70). */
    @Test
    void aDataKeysetWithAPartMissingIsDamaged() {
        String encrypted = "{\"format\":2,\"systemIdentifier\":\"7441\",\"pgMajor\":15,\"walSegmentSize\":16777216,"
                + "\"compression\":{\"algorithm\":\"zstd\",\"level\":3},\"encryption\":\"aes256-gcm-hkdf-1mb\",\"dataKeyset\":";
        Map<String, String> keysetToReason = Map.of(
                "{}}", "field 'dataKeyset.wrapping' is missing",
                "{\"wrapping\":{},\"keyset\":\"AAAA\"}}", "field 'dataKeyset.wrapping.method' is missing",
                "{\"wrapping\":{\"method\":\"key-file\",\"cipher\":\"aes256-gcm\"}}}", "field 'dataKeyset.keyset' is missing");
        for (Map.Entry<String, String> damaged : keysetToReason.entrySet()) {
            InMemoryBlobStore store = storeWithDescriptor(encrypted + damaged.getKey());
            assertThatThrownBy(() -> Repository.open(store)).as(damaged.getKey()).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                assertThat(e.getMessage()).endsWith("is unreadable: " + damaged.getValue());
            });
        }
    }

    @Test
    void aValidDescriptorOpensAndANewerFormatAsksForAnUpgrade() throws Exception {
        String valid = Json.mapper().writeValueAsString(TestRepositoryDescriptor.standard());
        assertThat(Repository.open(storeWithDescriptor(valid)).descriptor()).isEqualTo(TestRepositoryDescriptor.standard());

        // A newer format may mean its fields otherwise: it is not called damaged, whatever they hold.
        assertThatThrownBy(() -> Repository.open(storeWithDescriptor("{\"format\": 9}")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY);
                    assertThat(e.hint()).isEqualTo("upgrade Lifeboat");
                });
    }

    private static InMemoryBlobStore storeWithDescriptor(String json) {
        InMemoryBlobStore store = new InMemoryBlobStore("descriptor");
        store.put(RepositoryLayout.DESCRIPTOR, BlobContent.of(json.getBytes(StandardCharsets.UTF_8)), PutMode.CREATE_ONLY);
        return store;
    }
}
