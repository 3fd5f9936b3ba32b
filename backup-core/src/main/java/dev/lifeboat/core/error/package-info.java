/**
 * Every failure a user can meet: {@code ErrorCode} (with the exit status it maps to) and
 * {@code LifeboatException} (one line naming the problem, and a hint).
 *
 * <p>Uses no other Lifeboat package; every other package may use it.
 */
package dev.lifeboat.core.error;
