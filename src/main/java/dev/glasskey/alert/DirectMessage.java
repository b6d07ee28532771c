package dev.glasskey.alert;

import java.time.Instant;

/**
 * One direct message as its {@link DirectRecipient} sends it.
 *
 * @param idempotencyKey the outbox row's id: the same on every attempt, so a receiver can drop a duplicate
 * @param payloadJson    what the feature queued (JSON), as it queued it
 * @param attempt        this attempt's number, from 1
 * @param queuedAt       when it was queued
 */
public record DirectMessage(String idempotencyKey, String kind, String payloadJson, int attempt, Instant queuedAt) {
}
