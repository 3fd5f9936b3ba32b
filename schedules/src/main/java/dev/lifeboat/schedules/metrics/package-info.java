/**
 * /metrics of the long-running processes (the schedule daemon, the agent): the Prometheus client
 * library's instruments and HTTP server. Metric names, labels and units are documented in
 * docs/monitoring.md; every instrument is declared once, here.
 *
 * <p>May use the Prometheus client library, backup-core and the schedules package; the client
 * library stays out of backup-core.
 */
package dev.lifeboat.schedules.metrics;
