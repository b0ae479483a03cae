package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A MOLT {@code mysql://} string opens a working Connector/J pool with the CLI's session settings. */
class MysqlPoolIT {

    @Test
    void moltMysqlUrlOpensAUtcPool() throws SQLException {
        TestDatabases.mysql().close();
        for (String url : new String[] {"mysql://root@127.0.0.1:3306/test", "mysql://root@tcp(127.0.0.1:3306)/test?sslmode=disable"}) {
            try (HikariDataSource pool = Pools.open("mysql-it", url, 2);
                    Connection c = pool.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT @@session.time_zone, DATABASE()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as(url).isEqualTo("+00:00");
                assertThat(rs.getString(2)).as(url).isEqualTo("test");
            }
        }
    }
}
