/**
 * Transforms: filter, route, rename and compute rows between the changefeed and the target, in the
 * two phases MOLT Replicator's userscripts have. A {@link dev.failback.transform.SchemaTransform}
 * runs on each row of a request <em>before it is staged</em> (skip it, reroute it, fan it out to
 * several tables, drop a table the target does not have); a {@link dev.failback.transform.TableTransform}
 * runs on each row of a target table <em>at apply</em>, inside the apply transaction (map it, turn a
 * delete into an update, write it yourself). {@link dev.failback.transform.Transforms} says which
 * transform serves which schema and table; the optional {@code failback-userscript} module builds one
 * from a MOLT {@code replicator@v2} userscript.
 *
 * <p>Rows are {@code Map<String, Object>} in the changefeed's column order, with the changefeed's values:
 * {@link String}, {@link java.math.BigDecimal} for numbers (exact, never through a double),
 * {@link Boolean}, {@code null}, {@link java.util.List} for arrays and {@code Map<String, Object>} for
 * JSON objects. A returned string is written as a number into a numeric column when it reads as one
 * (so {@code "12.50"} computed as text lands in a {@code DECIMAL}).
 */
package dev.failback.transform;
