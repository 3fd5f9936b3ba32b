/**
 * The repository lock (backup, expire and replicate never run at once) and read leases
 * (restores, drills and verify protect what they read from expire), both built on CREATE_ONLY
 * puts, with background renewal and liveness of their holders.
 *
 * <p>May use {@code repo}, {@code jobs} (process liveness), {@code json}, {@code error} and storage.
 */
package dev.lifeboat.core.lock;
