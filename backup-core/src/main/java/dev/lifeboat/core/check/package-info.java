/**
 * {@code lifeboat check}: what would make a restore fail before anyone needs it (gaps in the
 * archived WAL, archiver failures), and what a monitor asks (a stale backup, a failed drill).
 *
 * <p>May use {@code archive}, {@code repo}, {@code wal}, {@code jobs}, {@code retention},
 * {@code pg} and {@code error}.
 */
package dev.lifeboat.core.check;
