/**
 * WAL archiving: archive_command's and restore_command's work ({@code WalPushService},
 * {@code ReadyWalBatch}, {@code WalFetchService}), the same over several repositories
 * ({@code RepositorySet} with its fan-out, {@code FallThroughWalFetch}, the catch-up queue of a
 * repository that fell behind), streamed parts of unfinished segments ({@code StreamedWal}),
 * checks of stored segments and the inventory of what is archived ({@code WalInventory}).
 *
 * <p>May use {@code wal} (the format), {@code repo}, {@code codec}, {@code json}, {@code error}
 * and storage. Must not use the commands' services (backup, restore, ...) or {@code agent}.
 */
package dev.lifeboat.core.archive;
