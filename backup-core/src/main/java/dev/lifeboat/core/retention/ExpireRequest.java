package dev.lifeboat.core.retention;

/** Expire by a policy; a dry run only plans. */
public record ExpireRequest(RetentionPolicy policy, boolean dryRun) {
}
