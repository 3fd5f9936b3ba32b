/**
 * backup-core: the services behind every Lifeboat command, as plain Java (request record in,
 * result record out). This package holds only what all of them share: {@code LifeboatVersion}
 * and {@code ProgressListener}; it uses no other Lifeboat package.
 *
 * <p>Nothing in backup-core may use picocli, Quartz or the AWS SDK: commands live in the cli
 * module, jobs in schedules, and stores are reached through {@code dev.lifeboat.storage}.
 */
package dev.lifeboat.core;
