package dev.glasskey.oidc;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Values remembered for the current transaction only (forgotten when it completes), for work
 * that one grant would otherwise repeat: the authorization it read, the account that both its
 * access and ID token describe. Outside a transaction nothing is remembered.
 */
final class TransactionMemo<K, V> {

    /** The map of the current transaction, bound on first use; null outside a transaction. */
    @SuppressWarnings("unchecked")
    Map<K, V> current(boolean create) {
        Map<K, V> map = (Map<K, V>) TransactionSynchronizationManager.getResource(this);
        if (map != null || !create || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return map;
        }
        Map<K, V> fresh = new HashMap<>(4);
        TransactionSynchronizationManager.bindResource(this, fresh);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(TransactionMemo.this);
            }
        });
        return fresh;
    }

    V get(K key) {
        Map<K, V> map = current(false);
        return map == null ? null : map.get(key);
    }

    void put(K key, V value) {
        Map<K, V> map = current(true);
        if (map != null) {
            map.put(key, value);
        }
    }

    void remove(K key) {
        Map<K, V> map = current(false);
        if (map != null) {
            map.remove(key);
        }
    }

    /** The remembered value, or the computed one (remembered unless it throws). */
    V computeIfAbsent(K key, Function<K, V> compute) {
        V value = get(key);
        if (value == null) {
            value = compute.apply(key);
            put(key, value);
        }
        return value;
    }
}
