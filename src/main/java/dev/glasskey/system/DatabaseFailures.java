package dev.glasskey.system;

import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Telling "the database cannot be reached" apart from every other failure, wherever it is wrapped. */
public final class DatabaseFailures {
    private DatabaseFailures() {}

    /** The failure, or one of its causes, is the database being out of reach (connection refused, lost, timed out). */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessResourceException
                    || t instanceof CannotCreateTransactionException || t instanceof SQLTransientConnectionException
                    // A commit or rollback that fails in JDBC is a connection that broke under the transaction.
                    || (t instanceof TransactionSystemException && t.getCause() instanceof java.sql.SQLException)
                    || (t instanceof java.sql.SQLException sql2 && isConnectionState(sql2))) {
                return true;
            }
        }
        return false;
    }

    /** SQLSTATE class 08: connection exception (SQL:2011; PostgreSQL and H2 use it). */
    private static boolean isConnectionState(java.sql.SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    /** One line for the log: the outermost message, without the stack. */
    public static String summary(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
