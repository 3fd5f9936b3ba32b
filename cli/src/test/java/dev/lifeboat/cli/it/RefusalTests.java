package dev.lifeboat.cli.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of input Lifeboat must refuse, all against one archiving cluster that the subclass
 * starts in its {@code @BeforeAll}: after every test its repository is exactly as it was,
 * whatever the refused command tried.
 */
abstract class RefusalTests {

    protected static ArchivingCluster source;
    private Map<String, String> before;

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
            source = null;
        }
    }

    @BeforeEach
    void snapshot() {
        before = RepositorySnapshot.of(source.repository());
    }

    @AfterEach
    void repositoryUnchanged() {
        assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);
    }
}
