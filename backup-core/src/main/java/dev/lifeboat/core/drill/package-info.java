/**
 * Restore drills: restore a backup into a scratch instance, start it, run the built-in and the
 * user's checks, record the verdict in the repository, and report it as JUnit XML.
 *
 * <p>May use {@code restore}, {@code repo}, {@code pg}, {@code lock}, {@code error} and storage.
 */
package dev.lifeboat.core.drill;
