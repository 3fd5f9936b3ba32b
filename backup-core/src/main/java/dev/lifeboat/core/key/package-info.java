/** Changing the key that wraps an encrypted repository's data keyset ({@code lifeboat key rotate}). */
package dev.lifeboat.core.key;
