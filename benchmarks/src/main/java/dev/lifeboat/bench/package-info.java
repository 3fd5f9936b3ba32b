/**
 * JMH benchmarks of hot paths (what archiving one WAL segment costs, stage by stage).
 *
 * <p>May use backup-core and storage; nothing depends on it.
 */
package dev.lifeboat.bench;
