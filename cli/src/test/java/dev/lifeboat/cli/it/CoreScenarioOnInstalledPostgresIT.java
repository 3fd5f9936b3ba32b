package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.testing.TestClusters;

/** The core story on the installed server the rest of the suite runs on (CI: PostgreSQL 15 from apt). */
class CoreScenarioOnInstalledPostgresIT extends CoreScenario {

    @Override
    int major() {
        return TestClusters.binaries().majorVersion();
    }

    @Override
    PgBinaries binaries() {
        return TestClusters.binaries();
    }
}
