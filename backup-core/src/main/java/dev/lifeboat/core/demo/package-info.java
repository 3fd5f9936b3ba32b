/**
 * {@code lifeboat demo}: the newcomer's tour on a throwaway cluster (init, backup, point-in-time
 * restore), and how that cluster's archive_command reaches this Lifeboat.
 *
 * <p>May use the service packages it tours ({@code init}, {@code backup}, {@code restore}) and
 * {@code repo}, {@code pg}, {@code error}.
 */
package dev.lifeboat.core.demo;
