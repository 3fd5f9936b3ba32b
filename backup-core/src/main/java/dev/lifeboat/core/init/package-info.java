/**
 * {@code lifeboat init}: creates a repository for the cluster a server runs, recording what
 * identifies that cluster in the repository's descriptor.
 *
 * <p>May use {@code repo}, {@code pg}, {@code codec} and storage.
 */
package dev.lifeboat.core.init;
