/**
 * One class per command: parse options, build a request, call a backup-core service (or a
 * schedules class), print the result as text or JSON. No business logic here.
 *
 * <p>May use the frame in {@code dev.lifeboat.cli} (context, common options, output),
 * {@code dev.lifeboat.cli.option}, schedules, backup-core and storage.
 */
package dev.lifeboat.cli.command;
