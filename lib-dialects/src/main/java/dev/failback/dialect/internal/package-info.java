/**
 * Helpers shared by the dialects (JSON slicing, column shapes). Not API: may change in any release.
 */
package dev.failback.dialect.internal;
