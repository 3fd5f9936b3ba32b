package dev.lifeboat.cli.common;

/** --output: text for people, json for scripts; nagios and prometheus for monitors (check only). */
public enum OutputFormat {
    text, json, nagios, prometheus;

    /** Whether this is a monitor's format, which only commands that answer monitors take. */
    public boolean forMonitors() {
        return this == nagios || this == prometheus;
    }
}
