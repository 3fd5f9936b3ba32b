/**
 * The one JSON mapping of Lifeboat ({@code Json}): repository files, job records, locks and
 * {@code --output json}, plus user-readable words for a JSON file that cannot be read.
 *
 * <p>May use Jackson and storage only, so that code which only serialises does not depend on
 * the repository package.
 */
package dev.lifeboat.core.json;
