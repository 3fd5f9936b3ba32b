package dev.lifeboat.core.backup;

import dev.lifeboat.core.pg.PageChecksum;
import dev.lifeboat.core.repo.BackupManifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the pages of one relation file as its bytes go past on their way into the backup, with
 * pgBackRest's rules for a file PostgreSQL may be writing at that moment:
 * <ul>
 * <li>a new page (pd_upper = 0, e.g. all zeros) is valid: it carries no checksum yet;</li>
 * <li>a page whose LSN is at or past the backup's start is skipped: WAL replay rewrites it;</li>
 * <li>a page whose checksum fails is read once more from the file (the first read may have
 * caught PostgreSQL half way through writing it) and counts only if it fails again;</li>
 * <li>a partial page at the end is skipped (the file grew while it was read).</li>
 * </ul>
 * Memory: one page of carry-over between reads, one for a re-read, the corrupt block ranges.
 */
final class PageVerifier {

    private static final int PAGE = PageChecksum.PAGE_SIZE;

    private final Path source;
    private final long startLsn;
    private final long firstBlock;
    private final byte[] carry = new byte[PAGE];
    private int carried;
    private long blockInFile;
    private byte[] reread;
    private FileChannel channel;
    private final List<long[]> ranges = new ArrayList<>();
    private long corruptPages;

    /**
     * @param startLsn         the backup's start LSN
     * @param blocksPerSegment pages per segment file (RELSEG_SIZE: 131072 for 1 GiB segments)
     */
    PageVerifier(Path source, RelationFile file, long startLsn, long blocksPerSegment) {
        this.source = source;
        this.startLsn = startLsn;
        this.firstBlock = file.segment() * blocksPerSegment;
    }

    /** The next {@code length} bytes of the file, in order. */
    void accept(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (carried == 0 && length >= PAGE) {
                check(bytes, offset);
                offset += PAGE;
                length -= PAGE;
                continue;
            }
            int n = Math.min(PAGE - carried, length);
            System.arraycopy(bytes, offset, carry, carried, n);
            carried += n;
            offset += n;
            length -= n;
            if (carried == PAGE) {
                check(carry, 0);
                carried = 0;
            }
        }
    }

    /** The end of the file: a partial last page is not checked. */
    void finish() {
        closeChannel();
    }

    long corruptPages() {
        return corruptPages;
    }

    /** Corrupt block numbers within the relation, as "N" or "N-M", at most {@code limit} ranges. */
    List<String> blockRanges(int limit) {
        List<String> out = new ArrayList<>();
        for (long[] r : ranges.subList(0, Math.min(limit, ranges.size()))) {
            out.add(r[0] == r[1] ? Long.toString(r[0]) : r[0] + "-" + r[1]);
        }
        return out;
    }

    private void check(byte[] page, int offset) {
        long block = firstBlock + blockInFile;
        if (!passes(page, offset, block) && !passesWhenReadAgain(block)) {
            record(block);
        }
        blockInFile++;
    }

    private boolean passes(byte[] page, int offset, long block) {
        return PageChecksum.isNew(page, offset)
                || Long.compareUnsigned(PageChecksum.lsn(page, offset), startLsn) >= 0
                || PageChecksum.matches(page, offset, block);
    }

    /** A torn read shows as a mismatch once; a page that is really damaged fails again. */
    private boolean passesWhenReadAgain(long block) {
        try {
            if (channel == null) {
                channel = FileChannel.open(source, StandardOpenOption.READ);
                reread = new byte[PAGE];
            }
            ByteBuffer buffer = ByteBuffer.wrap(reread);
            long position = blockInFile * PAGE;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position + buffer.position());
                if (n < 0) {
                    return true; // truncated since (a vacuum): WAL replay truncates it too
                }
            }
            return passes(reread, 0, block);
        } catch (IOException e) {
            return true; // gone since we read it (dropped): WAL replay drops it too
        }
    }

    private void record(long block) {
        corruptPages++;
        long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
        if (last != null && last[1] == block - 1) {
            last[1] = block;
        } else if (ranges.size() < BackupManifest.CorruptPages.MAX_BLOCK_RANGES) {
            ranges.add(new long[] {block, block});
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read only: nothing to lose
            }
            channel = null;
        }
    }
}
