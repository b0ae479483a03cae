/**
 * Stage, the second stage: durable staging of checked rows and the checkpoint and lease tables.
 * {@link dev.failback.core.internal.stage.Stager} group-commits concurrent requests' rows into the
 * {@link dev.failback.spi.StagingStore}; {@link dev.failback.core.internal.stage.SqlStagingStore},
 * {@link dev.failback.core.internal.stage.SqlCheckpointStore} and
 * {@link dev.failback.core.internal.stage.JdbcLeaseStore} are the SQL stores, with the SQL of each
 * database family in a {@link dev.failback.core.internal.stage.StagingSql}
 * ({@link dev.failback.core.internal.stage.PostgresStagingSql} for PostgreSQL and CockroachDB,
 * {@link dev.failback.core.internal.stage.MySqlStagingSql} for MySQL and MariaDB);
 * {@link dev.failback.core.internal.stage.StagingStores} picks them for a data source. A new staging
 * database family adds a {@code StagingSql}. Internal: not part of the public API.
 */
package dev.failback.core.internal.stage;
