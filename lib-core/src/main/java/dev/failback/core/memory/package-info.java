/**
 * In-memory staging and checkpoint stores for tests. They are <strong>not durable</strong>: a process
 * restart loses every staged change and checkpoint.
 */
package dev.failback.core.memory;
