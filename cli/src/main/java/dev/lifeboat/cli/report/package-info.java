/**
 * The HTML page of {@code lifeboat report}: one self-contained file (inline CSS, SVG drawn
 * here, no script, nothing fetched) rendered from the {@code core.report} model.
 *
 * <p>May use {@code dev.lifeboat.core.report}, {@code core.error} and the JDK; no picocli.
 */
package dev.lifeboat.cli.report;
