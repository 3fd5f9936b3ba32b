/**
 * One class per command: parse options, build a request, call a backup-core service (or a
 * schedules class), print the result as text or JSON. No business logic here.
 *
 * <p>May use {@code dev.lifeboat.cli.common} (context, common options, output, failures),
 * {@code dev.lifeboat.cli.option}, {@code dev.lifeboat.cli.report} (the HTML page), schedules, backup-core and storage.
 */
package dev.lifeboat.cli.command;
