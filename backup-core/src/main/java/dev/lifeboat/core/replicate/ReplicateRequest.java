package dev.lifeboat.core.replicate;

import dev.lifeboat.core.ProgressListener;

/**
 * A copy of what one repository has and another lacks. Build one with {@link #builder()}: its
 * defaults live there, for the command and the scheduled job alike.
 *
 * @param jobs       objects copied at once
 * @param newDataKey how a new target is encrypted when the source is: with the source's data
 *                   keyset (objects then copy as stored) or with a data keyset of its own
 */
public record ReplicateRequest(int jobs, ProgressListener progress, NewDataKey newDataKey) {

    /** The data keyset of an encrypted repository that replicate creates. */
    public enum NewDataKey {
        /** The source's data keyset wrapped under the target's key: objects are copied as stored (ciphertext), and authenticated. */
        SAME,
        /** A new data keyset: every object is decrypted and encrypted again. */
        NEW;

        /** The rule for the command and the scheduled job alike: a target with a key of its own gets a data keyset of its own. */
        public static NewDataKey defaultFor(boolean targetHasItsOwnKey) {
            return targetHasItsOwnKey ? NEW : SAME;
        }

        /** 'same' or 'new', as --to-data-key and the job key 'to-data-key' spell it. */
        public static NewDataKey parse(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "same" -> SAME;
                case "new" -> NEW;
                default -> throw new IllegalArgumentException("'" + value + "' is not 'same' or 'new'");
            };
        }
    }

    public ReplicateRequest(int jobs, ProgressListener progress) {
        this(jobs, progress, NewDataKey.SAME);
    }

    /** Objects copied at once unless told otherwise (a copy waits on two stores, not on CPUs), as --jobs shows it. */
    public static final String DEFAULT_JOBS_TEXT = "4";
    public static final int DEFAULT_JOBS = Integer.parseInt(DEFAULT_JOBS_TEXT);

    public static Builder builder() {
        return new Builder();
    }

    /** A replicate request with every setting at its default until set; a null argument keeps the default. */
    public static final class Builder {
        private int jobs = DEFAULT_JOBS;
        private ProgressListener progress = ProgressListener.NONE;
        private NewDataKey newDataKey = NewDataKey.SAME;

        private Builder() {
        }

        public Builder jobs(Integer jobs) {
            this.jobs = jobs == null ? DEFAULT_JOBS : jobs;
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = progress == null ? ProgressListener.NONE : progress;
            return this;
        }

        public Builder newDataKey(NewDataKey newDataKey) {
            this.newDataKey = newDataKey == null ? NewDataKey.SAME : newDataKey;
            return this;
        }

        public ReplicateRequest build() {
            return new ReplicateRequest(jobs, progress, newDataKey);
        }
    }
}
