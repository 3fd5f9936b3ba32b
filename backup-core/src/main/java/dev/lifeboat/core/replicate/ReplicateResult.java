package dev.lifeboat.core.replicate;

import dev.lifeboat.core.error.ErrorCode;

import java.time.Duration;
import java.util.List;

/**
 * What a replicate run did.
 *
 * @param initialized   the target had no descriptor and got the source's
 * @param walCopied     WAL files copied; {@code walPresent} were there already
 * @param backupsCopied backups whose data and manifest were copied; {@code backupsPresent} were there already
 * @param problems      what could not be copied; a backup with a problem got no manifest in the target
 * @param transfer      how objects travelled between the two repositories' encodings
 * @param objectsCopiedAsCiphertext of {@code objectsCopied}, those copied as stored (both repositories share a data keyset)
 */
public record ReplicateResult(String from, String to, boolean initialized, long walCopied, long walPresent,
                              int backupsCopied, int backupsPresent, long objectsCopied, long bytesCopied,
                              List<Problem> problems, Duration elapsed, Transfer transfer, long objectsCopiedAsCiphertext) {

    /** How objects go from the source's encoding to the target's. */
    public enum Transfer {
        /** Both plain: copied as stored. */
        PLAIN,
        /** Both encrypted with the same data keyset: ciphertext copied as stored, authenticated on the way. */
        CIPHERTEXT,
        /** Both encrypted with different data keysets: decrypted from the source and encrypted again for the target. */
        REENCRYPTED,
        /** From a plain source into an encrypted target. */
        ENCRYPTED,
        /** From an encrypted source into a plain target: the target holds the data in the clear. */
        DECRYPTED
    }

    /** One object or backup that was not copied, and why. */
    public record Problem(String what, ErrorCode code, String message) {
    }

    public boolean complete() {
        return problems.isEmpty();
    }
}
