package dev.lifeboat.schedules;

/**
 * The shared PostgreSQL database of a clustered schedule.
 *
 * @param jdbcUrl     jdbc:postgresql://host:port/database
 * @param user        role (default PGUSER, else postgres)
 * @param password    null: PGPASSWORD, else the driver reads ~/.pgpass (or PGPASSFILE)
 * @param tablePrefix Quartz's tables are named with it (default QRTZ_)
 */
public record JobStoreSettings(String jdbcUrl, String user, String password, String tablePrefix) {

    /** The database for messages: the URL without its query (which may hold a password). */
    public String describe() {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    /** Without the password and the URL's query: the schedule's definition prints its settings through here. */
    @Override
    public String toString() {
        return "JobStoreSettings[jdbcUrl=" + describe() + ", user=" + user + ", password=" + (password == null ? "none" : "(set)")
                + ", tablePrefix=" + tablePrefix + "]";
    }
}
