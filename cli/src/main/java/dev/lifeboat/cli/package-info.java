/**
 * The command line's frame: {@code Main}, the picocli command tree, the configuration file and
 * LIFEBOAT_* defaults, output formats, progress, and the one place that turns a failure into a
 * message and an exit status.
 *
 * <p>May use {@code dev.lifeboat.cli.command}, schedules, backup-core and storage. Commands
 * themselves live in {@code dev.lifeboat.cli.command}.
 */
package dev.lifeboat.cli;
