package dev.failback.core.internal.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.dialect.mysql.MySqlDialect;
import dev.failback.dialect.oracle.OracleDialect;
import dev.failback.dialect.postgres.PostgresDialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaGateTest {

    @Test
    void refusesFailbacksOwnAndTheSystemsSchemasInAnySpelling() {
        SchemaGate pg = new SchemaGate(new PostgresDialect(), "_replicator", List.of());
        for (String schema : List.of("_failback", "_FailBack", "_replicator", "pg_catalog", "PG_CATALOG",
                "information_schema", "pg_toast", "pg_temp_3", "pg_toast_temp_1")) {
            assertThat(pg.refuseAsSent(List.of("db", schema))).as(schema).isNotNull();
            assertThat(pg.refuseResolved(List.of("db", schema))).as(schema).isNotNull();
        }
        assertThat(pg.refuseAsSent(List.of("db", "public"))).isNull();
        assertThat(pg.refuseAsSent(List.of("db", "pg_catalogue"))).isNull();
        SchemaGate my = new SchemaGate(new MySqlDialect(MySqlDialect.Flavor.MARIADB), "_failback", List.of());
        for (String db : List.of("mysql", "MySQL", "sys", "performance_schema", "information_schema", "_failback")) {
            assertThat(my.refuseAsSent(List.of(db))).as(db).isNotNull();
        }
        SchemaGate ora = new SchemaGate(new OracleDialect(), "_failback", List.of());
        for (String owner : List.of("SYS", "system", "XDB", "MDSYS", "APEX_230200")) {
            assertThat(ora.refuseAsSent(List.of(owner))).as(owner).isNotNull();
        }
        assertThat(ora.refuseAsSent(List.of("APP"))).isNull();
    }

    @Test
    void anAllowListAdmitsOnlyItsSchemasByTheTargetsRules() {
        SchemaGate pg = new SchemaGate(new PostgresDialect(), "_failback", List.of("target.public", "\"Sales\""));
        assertThat(pg.refuseAsSent(List.of("target", "public"))).isNull();
        assertThat(pg.refuseAsSent(List.of("target", "PUBLIC"))).isNull(); // may resolve to public: asked later
        assertThat(pg.refuseResolved(List.of("target", "public"))).isNull();
        assertThat(pg.refuseResolved(List.of("target", "Sales"))).isNull(); // quoted: exact, in the connected database
        assertThat(pg.refuseResolved(List.of("target", "sales"))).contains("not among the schemas");
        assertThat(pg.refuseAsSent(List.of("target", "other"))).contains("not among the schemas this pipeline serves");
        assertThat(pg.refuseResolved(List.of("other", "public"))).isNotNull();
        assertThat(new SchemaGate(new PostgresDialect(), "_failback", List.of("_failback")).refuseAsSent(
                List.of("db", "_failback"))).contains("Failback's own"); // never writable, whatever the list says
        assertThatThrownBy(() -> new SchemaGate(new MySqlDialect(MySqlDialect.Flavor.MARIADB), "_failback", List.of("a.b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a.b\"");
    }
}
