/**
 * The entry point and the wiring: {@code Main}, the picocli command tree with its LIFEBOAT_*
 * and configuration-file defaults, and the handlers that turn a failure or a bad flag into the
 * one-line message and exit status {@code dev.lifeboat.cli.common} defines.
 *
 * <p>May use {@code dev.lifeboat.cli.command}, {@code dev.lifeboat.cli.common}, schedules,
 * backup-core and storage. Nothing else in cli uses this package.
 */
package dev.lifeboat.cli;
