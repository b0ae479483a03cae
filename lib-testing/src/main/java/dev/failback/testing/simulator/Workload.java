package dev.failback.testing.simulator;

import java.util.List;
import java.util.Random;

/**
 * Produces source transactions for a {@link ChangefeedSimulator}. The simulator calls
 * {@link #nextTransaction} from one thread at a time and applies the returned changes to the
 * {@link SourceModel} before asking for the next transaction; a workload may keep its own indexes
 * of the model, as it is the model's only writer. Given the same sequence of random numbers, a
 * workload must produce the same transactions.
 */
public interface Workload {

    /**
     * Returns a short name for logs.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the tables written, parents before children.
     *
     * @return table names
     */
    List<String> tables();

    /**
     * Produces the next source transaction. It must not write one row twice (the simulator keeps
     * the last write, as a changefeed does) and must keep the model's foreign keys valid after the
     * transaction.
     *
     * @param random the simulator's seeded random source
     * @param model  the source database as of the previous transaction; read only
     * @return the rows written, never empty
     */
    List<RowChange> nextTransaction(Random random, SourceModel model);

    /**
     * Returns the PostgreSQL statements that create this workload's tables (and types) in a
     * schema, separated by {@code ;\n}. The schema itself is not created.
     *
     * @param schema a plain SQL identifier
     * @return the DDL
     */
    String postgresDdl(String schema);

    /**
     * Returns the DDL creating this workload's tables in a MySQL or MariaDB database, statements
     * separated by {@code ;\n}. The default says the workload has none.
     *
     * @param database a plain SQL identifier
     * @return the DDL
     * @throws UnsupportedOperationException when the workload has no MySQL DDL
     */
    default String mysqlDdl(String database) {
        throw new UnsupportedOperationException(name() + " has no MySQL DDL");
    }
}
