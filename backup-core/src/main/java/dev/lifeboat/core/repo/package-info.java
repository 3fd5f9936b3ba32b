/**
 * One repository in one store: its descriptor and layout of keys, backup manifests and catalog,
 * drill records, the archived WAL objects of one repository ({@code WalArchive}, the format of
 * what is stored), and checked reads and copies of stored objects.
 *
 * <p>May use {@code wal} (names, LSNs, headers), {@code codec}, {@code json}, {@code error} and
 * storage. Must not use {@code archive} or any service package: those build on this one.
 */
package dev.lifeboat.core.repo;
