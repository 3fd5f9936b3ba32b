package dev.lifeboat.cli.it;

/** The core story on PostgreSQL 18, the newest supported major version (its embedded server from Maven Central). */
class CoreScenarioOnPostgres18IT extends CoreScenario {

    @Override
    int major() {
        return 18;
    }
}
