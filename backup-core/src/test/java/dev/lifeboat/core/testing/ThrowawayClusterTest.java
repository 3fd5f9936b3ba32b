package dev.lifeboat.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThrowawayClusterTest {

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnAStaticField {

        @RegisterExtension
        static final ThrowawayCluster pg = ThrowawayCluster.archivingToDirectory()
                .with(builder -> builder.setting("lifeboat.probe", "fixture test")
                        .environment(Map.of("LIFEBOAT_PROBE", "x")));

        @Test
        @Order(1)
        void aTestClassGetsAStartedArchivingCluster() throws Exception {
            assertThat(pg.cluster().isRunning()).isTrue();
            assertThat(ClusterSql.queryForString(pg.cluster(), "SHOW lifeboat.probe")).isEqualTo("fixture test");
            ClusterSql.execute(pg.cluster(), "CREATE TABLE shared (id int); INSERT INTO shared VALUES (1)");
            String segment = ClusterSql.queryForString(pg.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
            ClusterSql.execute(pg.cluster(), "SELECT pg_switch_wal()");

            Path archived = pg.archiveDirectory().resolve(segment);
            for (int i = 0; i < 300 && !Files.exists(archived); i++) {
                Thread.sleep(100);
            }
            assertThat(archived).exists().hasSize(16L * 1024 * 1024);
        }

        @Test
        @Order(2)
        void andKeepsItForEveryTestOfTheClass() {
            assertThat(ClusterSql.queryForLong(pg.cluster(), "SELECT count(*) FROM shared")).isEqualTo(1);
        }
    }

    @Nested
    class OnAnInstanceField {

        @RegisterExtension
        final ThrowawayCluster pg = ThrowawayCluster.create();

        @Test
        void eachTestGetsItsOwnCluster() {
            assertThat(ClusterSql.queryForString(pg.cluster(), "SHOW archive_command")).isEqualTo("true");
            assertThat(ClusterSql.queryForLong(pg.cluster(), "SELECT count(*) FROM pg_tables WHERE tablename = 'shared'"))
                    .isZero();
        }
    }
}
