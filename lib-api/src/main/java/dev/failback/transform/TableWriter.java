package dev.failback.transform;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The apply transaction of one target table, as {@link TableTransform#onWrite} uses it (MOLT's
 * {@code api.write} and {@code api.getTX()}). Valid only during that call.
 */
public interface TableWriter {

    /**
     * Writes rows as Failback would have: set-wise upserts and deletes, in the apply transaction; no commit.
     *
     * @param ops the rows; an upsert's key is read from its data
     * @throws SQLException when the target refuses them
     */
    void write(List<RowOp> ops) throws SQLException;

    /**
     * Returns the apply transaction's connection, for statements of your own. Never commit, roll back
     * or close it: the window's outcome decides (use savepoints to try a statement).
     *
     * @return the connection, in its transaction
     */
    Connection connection();

    /**
     * Returns the table.
     *
     * @return the target table
     */
    TableName table();

    /**
     * Returns the table's columns, primary key first in key order, then the others in table order.
     *
     * @return the columns
     */
    List<ColumnInfo> columns();
}
