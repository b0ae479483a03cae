package dev.failback.testing.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;

/**
 * Bank transfers: table {@code accounts(id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)}. The first
 * transaction opens every account with the same balance; each later transaction moves a random
 * amount from one account to another (two row updates in one transaction), so the total never
 * changes. A target that ever shows a different total applied part of a transaction. Not
 * thread-safe.
 */
public final class TransferWorkload implements Workload {
    /** The table. */
    public static final String TABLE = "accounts";

    private final int accounts;
    private final long initialBalance;
    private final long[] balances;
    private boolean opened;

    /**
     * Creates a workload.
     *
     * @param accounts       the number of accounts, at least 2
     * @param initialBalance every account's opening balance, at least 0
     */
    public TransferWorkload(int accounts, long initialBalance) {
        if (accounts < 2) {
            throw new IllegalArgumentException("accounts must be >= 2, but was " + accounts);
        }
        if (initialBalance < 0) {
            throw new IllegalArgumentException("initialBalance must be >= 0, but was " + initialBalance);
        }
        this.accounts = accounts;
        this.initialBalance = initialBalance;
        this.balances = new long[accounts];
    }

    /** Creates a workload of 100 accounts of 1000 each. */
    public TransferWorkload() {
        this(100, 1_000);
    }

    /**
     * Returns the total of all balances, which every transaction preserves.
     *
     * @return accounts × initial balance
     */
    public long total() {
        return accounts * initialBalance;
    }

    @Override
    public String name() {
        return "transfer";
    }

    @Override
    public List<String> tables() {
        return List.of(TABLE);
    }

    @Override
    public String postgresDdl(String schema) {
        return "CREATE TABLE " + Ddl.postgresSchema(schema) + ".accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)";
    }

    @Override
    public String mysqlDdl(String database) {
        return "CREATE TABLE " + Ddl.mysqlDatabase(database) + ".accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)";
    }

    @Override
    public List<RowChange> nextTransaction(Random random, SourceModel model) {
        List<RowChange> tx = new ArrayList<>();
        if (!opened) {
            opened = true;
            for (int i = 0; i < accounts; i++) {
                balances[i] = initialBalance;
                tx.add(RowChange.upsert(TABLE, CrdbJson.array(CrdbJson.number(i + 1)), row(i)));
            }
            return tx;
        }
        int from = random.nextInt(accounts);
        int to = random.nextInt(accounts - 1);
        if (to >= from) {
            to++;
        }
        long amount = balances[from] == 0 ? 0 : 1 + (long) (random.nextDouble() * balances[from]);
        amount = Math.min(amount, balances[from]);
        balances[from] -= amount;
        balances[to] += amount;
        tx.add(RowChange.upsert(TABLE, CrdbJson.array(CrdbJson.number(from + 1)), row(from)));
        tx.add(RowChange.upsert(TABLE, CrdbJson.array(CrdbJson.number(to + 1)), row(to)));
        return tx;
    }

    private SortedMap<String, String> row(int index) {
        SortedMap<String, String> row = CrdbJson.row();
        row.put("id", CrdbJson.number(index + 1));
        row.put("balance", CrdbJson.number(balances[index]));
        return row;
    }
}
