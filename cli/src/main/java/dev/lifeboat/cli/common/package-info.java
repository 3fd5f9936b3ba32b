/**
 * What every command shares: the context (streams, environment), the common options, the
 * configuration file and its keys, output formats, terminal progress, how a failure looks to
 * the user, and the exit status each outcome gets ({@code ExitStatus}, the one exit rule).
 *
 * <p>May use {@code dev.lifeboat.cli.option}, backup-core and storage; never the commands or
 * the wiring in {@code dev.lifeboat.cli}, which depend on it.
 */
package dev.lifeboat.cli.common;
