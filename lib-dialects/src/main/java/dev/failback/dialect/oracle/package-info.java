/**
 * The Oracle dialect: resolves {@code /OWNER} webhook paths, reads an owner's tables from the data
 * dictionary, and applies changefeed rows with {@code MERGE ... USING (SELECT ... FROM DUAL)} and
 * deletes by key.
 *
 * <p>{@link dev.failback.dialect.oracle.OracleDialectProvider} is found through
 * {@link java.util.ServiceLoader} when the target reports itself as {@code Oracle} (or is H2 in
 * Oracle mode, for tests). The apply technique is chosen with
 * {@link dev.failback.dialect.oracle.OracleApplyTechnique}. Dialect code uses only {@code java.sql};
 * the Oracle driver is not needed at compile time.
 */
package dev.failback.dialect.oracle;
