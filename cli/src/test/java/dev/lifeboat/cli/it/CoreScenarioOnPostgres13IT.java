package dev.lifeboat.cli.it;

/** The core story on PostgreSQL 13, the oldest supported major version (its embedded server from Maven Central). */
class CoreScenarioOnPostgres13IT extends CoreScenario {

    @Override
    int major() {
        return 13;
    }
}
