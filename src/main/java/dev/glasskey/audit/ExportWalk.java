package dev.glasskey.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.audit.AuditIntegrity.ExportFormatException;
import dev.glasskey.system.ServerKeys;

/**
 * Verification of an export (JSON Lines): a streaming parse (Jackson {@link JsonParser}, no tree
 * per line, one reused set of field slots), and for long files two segments on two threads.
 *
 * <p>The sequential walk ({@link #verify(JsonParser, PublicKey, List, ChainVerifier.Progress, long)})
 * is the reference. The two-segment walk splits the entry lines at a line boundary near the middle
 * of the file; each segment checks its own entries, the seam is compared, and only a result of
 * "intact" from both, with nothing else unexpected (a non-entry line among the entries, a parse
 * error, a gap at the seam), is taken. Anything else — every broken or malformed file — is walked
 * again sequentially from the start, so the verdict, the first broken entry and the error message
 * are exactly the sequential walk's.
 */
final class ExportWalk {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Files at least this large are verified in two segments (about 140,000 entries). */
    static final long PARALLEL_FROM_BYTES = 64L << 20;

    private ExportWalk() {}

    /** The sequential walk over a reader (tests, standard input). */
    static AuditVerification verify(Reader in, PinnedKeys pinned, List<AuditCheckpoint> external, List<String> keyFingerprints,
                                    ChainVerifier.Progress progress, long interval) {
        try (JsonParser parser = JSON.createParser(in)) {
            return verify(parser, pinned, external, keyFingerprints, progress, interval);
        }
    }

    /** A file: in two segments when it is at least {@link #PARALLEL_FROM_BYTES} long. */
    static AuditVerification verify(Path file, PinnedKeys pinned, List<AuditCheckpoint> external, List<String> keyFingerprints,
                                    ChainVerifier.Progress progress, long interval) throws IOException {
        return verify(file, pinned, external, keyFingerprints, progress, interval, -1);
    }

    /**
     * @param splitAt the byte offset near which the entries are split in two (the next line
     *                start), or -1 for the middle of the file if it is long enough
     */
    static AuditVerification verify(Path file, PinnedKeys pinned, List<AuditCheckpoint> external, List<String> keyFingerprints,
                                    ChainVerifier.Progress progress, long interval, long splitAt) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (splitAt >= 0 || size >= PARALLEL_FROM_BYTES) {
                List<String> fingerprints = new ArrayList<>();
                AuditVerification v = inTwo(channel, size, splitAt, pinned, external, fingerprints, progress, interval);
                if (v != null) {
                    keyFingerprints.addAll(fingerprints);
                    return v;
                }
            }
            try (JsonParser parser = JSON.createParser(new RegionStream(channel, 0, size))) {
                return verify(parser, pinned, external, keyFingerprints, progress, interval);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The reference walk: header, keys, checkpoints, then every entry in order. */
    static AuditVerification verify(JsonParser parser, PinnedKeys pinned, List<AuditCheckpoint> external, List<String> keyFingerprints,
                                    ChainVerifier.Progress progress, long interval) {
        Lines lines = new Lines(parser);
        Preamble pre = new Preamble();
        try {
            if (!pre.read(lines, keyFingerprints)) {
                return pre.finishWithoutEntries(pinned, external, progress, interval);
            }
            ChainVerifier verifier = new ChainVerifier(1, pre.checkpoints, external, new CheckpointKeys(pinned, pre.keys), progress, interval);
            do {
                if (lines.type != Lines.ENTRY) {
                    pre.other(lines, keyFingerprints, true);
                    continue;
                }
                if (!lines.accept(verifier)) {
                    return verifier.finish(null, null);
                }
            } while (lines.next());
            return verifier.finish(pre.headSeq, pre.headHash);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ExportFormatException("line " + lines.line + ": unreadable time");
        }
    }

    /**
     * The two-segment walk, or null when its answer is not certain to be the sequential walk's
     * (anything but an intact chain read without surprises): the caller then walks sequentially.
     */
    private static AuditVerification inTwo(FileChannel channel, long size, long splitAt, PinnedKeys pinned, List<AuditCheckpoint> external,
                                           List<String> keyFingerprints, ChainVerifier.Progress progress, long interval) {
        try (JsonParser parser = JSON.createParser(new RegionStream(channel, 0, size))) {
            Lines a = new Lines(parser);
            Preamble pre = new Preamble();
            if (!pre.read(a, keyFingerprints)) {
                return null;
            }
            long entriesStart = a.offset;
            long split = lineStartAtOrAfter(channel, size, splitAt >= 0 ? Math.max(splitAt, entriesStart + 1)
                    : entriesStart + (size - entriesStart) / 2);
            if (split < 0 || split >= size) {
                return null;
            }
            long firstOfSecond = firstSeqAt(channel, size, split);
            if (firstOfSecond <= 1) {
                return null;
            }
            long middle = firstOfSecond - 1;
            CheckpointKeys keys = new CheckpointKeys(pinned, pre.keys);
            long every = interval <= 0 ? Long.MAX_VALUE : interval;
            AtomicLong total = new AtomicLong();
            ChainVerifier.Progress shared = n -> progress.entries(total.addAndGet(every));
            ChainVerifier va = new ChainVerifier(1, AuditIntegrity.upTo(pre.checkpoints, middle), AuditIntegrity.upTo(external, middle),
                    keys, shared, every);
            ChainVerifier vb = new ChainVerifier(firstOfSecond, AuditIntegrity.after(pre.checkpoints, middle),
                    AuditIntegrity.after(external, middle), keys, shared, every);
            // Either segment giving up (a break, a surprise) ends the other: the sequential walk decides.
            AtomicBoolean abandon = new AtomicBoolean();
            CompletableFuture<Boolean> secondHalf = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try (JsonParser p = JSON.createParser(new RegionStream(channel, split, size))) {
                    boolean ok = walkEntries(new Lines(p), vb, Long.MAX_VALUE, abandon);
                    if (!ok) {
                        abandon.set(true);
                    }
                    secondHalf.complete(ok);
                } catch (Throwable t) {
                    abandon.set(true);
                    secondHalf.completeExceptionally(t);
                }
            }, "audit-verify-file-2");
            thread.setDaemon(true);
            thread.start();
            boolean okA;
            try {
                okA = a.type == Lines.ENTRY && walkEntriesFromCurrent(a, va, split, abandon);
            } catch (RuntimeException e) {
                okA = false;
            }
            if (!okA) {
                abandon.set(true);
            }
            boolean okB;
            try {
                okB = secondHalf.join();
            } catch (CompletionException e) {
                okB = false;
            }
            if (!okA || !okB) {
                return null;
            }
            AuditVerification ra = va.finish(middle, null);
            AuditVerification rb = vb.finish(pre.headSeq, pre.headHash);
            if (ra.broken() || rb.broken() || vb.firstPrevHash() == null || !vb.firstPrevHash().equals(va.lastHash())) {
                return null;
            }
            return AuditVerification.join(ra, rb, pinned.describe());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Walks entry lines from the parser's start until {@code end}; false on anything but an unbroken run of entries. */
    private static boolean walkEntries(Lines lines, ChainVerifier verifier, long end, AtomicBoolean abandon) {
        return lines.next() && lines.type == Lines.ENTRY && walkEntriesFromCurrent(lines, verifier, end, abandon);
    }

    private static boolean walkEntriesFromCurrent(Lines lines, ChainVerifier verifier, long end, AtomicBoolean abandon) {
        do {
            if (lines.offset >= end) {
                return true;
            }
            if (lines.type != Lines.ENTRY || !lines.accept(verifier) || abandon.get()) {
                return false;
            }
        } while (lines.next());
        return true;
    }

    /** The first byte of the line at or after {@code from} (a byte just after a newline), or -1. */
    private static long lineStartAtOrAfter(FileChannel channel, long size, long from) {
        if (from <= 0) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = from - 1;
        try {
            while (pos < size) {
                buf.clear();
                int n = channel.read(buf, pos);
                if (n <= 0) {
                    return -1;
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) == '\n') {
                        return pos + i + 1;
                    }
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return -1;
    }

    /** The seq of the entry line starting at {@code offset}, or -1 if that is not an entry. */
    private static long firstSeqAt(FileChannel channel, long size, long offset) {
        try (JsonParser p = JSON.createParser(new RegionStream(channel, offset, size))) {
            Lines lines = new Lines(p);
            return lines.next() && lines.type == Lines.ENTRY ? lines.seq : -1;
        }
    }

    /** Header, keys and checkpoints: everything before the first entry. */
    private static final class Preamble {
        final Map<String, PublicKey> keys = new LinkedHashMap<>();
        final List<AuditCheckpoint> checkpoints = new ArrayList<>();
        Long headSeq;
        String headHash;

        /** Reads up to the first entry; true when positioned on it, false at the end of the file. */
        boolean read(Lines lines, List<String> keyFingerprints) {
            try {
                while (lines.next()) {
                    if (lines.type == Lines.ENTRY) {
                        if (headSeq == null) {
                            throw new ExportFormatException("line " + lines.line + ": entry before the header");
                        }
                        return true;
                    }
                    other(lines, keyFingerprints, false);
                }
                return false;
            } catch (java.time.format.DateTimeParseException e) {
                throw new ExportFormatException("line " + lines.line + ": unreadable time");
            }
        }

        void other(Lines lines, List<String> keyFingerprints, boolean afterEntries) {
            switch (lines.type) {
                case Lines.HEADER -> {
                    if (!AuditIntegrity.EXPORT_FORMAT.equals(lines.format)) {
                        throw new ExportFormatException("line " + lines.line + ": not a " + AuditIntegrity.EXPORT_FORMAT + " file");
                    }
                    headSeq = lines.headSeq;
                    headHash = lines.headHash;
                }
                case Lines.KEY -> {
                    PublicKey key;
                    try {
                        key = ServerKeys.decodePublic(orEmpty(lines.publicKeyPem));
                    } catch (IllegalArgumentException e) {
                        throw new ExportFormatException("line " + lines.line + ": unreadable public key");
                    }
                    String id = orEmpty(lines.id);
                    keyFingerprints.add(id + ": " + AuditIntegrity.fingerprint(key));
                    keys.put(id, key);
                }
                case Lines.CHECKPOINT -> {
                    if (afterEntries) {
                        throw new ExportFormatException("line " + lines.line + ": checkpoint after the first entry");
                    }
                    checkpoints.add(new AuditCheckpoint(lines.seq, orEmpty(lines.hash), Instant.parse(orEmpty(lines.signedAt)),
                            orEmpty(lines.keyId), orEmpty(lines.signature)));
                }
                default -> throw new ExportFormatException("line " + lines.line + ": unknown line type '" + orEmpty(lines.typeName) + "'");
            }
        }

        AuditVerification finishWithoutEntries(PinnedKeys pinned, List<AuditCheckpoint> external, ChainVerifier.Progress progress,
                                               long interval) {
            if (headSeq == null) {
                throw new ExportFormatException("no header line: not a " + AuditIntegrity.EXPORT_FORMAT + " file");
            }
            return new ChainVerifier(1, checkpoints, external, new CheckpointKeys(pinned, keys), progress, interval).finish(headSeq, headHash);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * The current line's fields, parsed from the token stream into reused slots (a missing field
     * and JSON null are both null; numbers and booleans where text is expected are taken as their
     * text, as the tree-based reader did; an object or array where a value is expected is a
     * format error).
     */
    static final class Lines {
        static final int OTHER = 0;
        static final int HEADER = 1;
        static final int KEY = 2;
        static final int CHECKPOINT = 3;
        static final int ENTRY = 4;

        private final JsonParser p;
        int type;
        String typeName;
        long line;
        /** Where the line's value ends: the next may not start on the same line (JSON Lines: one value per line). */
        private long endLine = -1;
        long offset;
        // header
        String format;
        Long headSeq;
        String headHash;
        // key
        String id;
        String publicKeyPem;
        // checkpoint (and seq, hash)
        String signedAt;
        String keyId;
        String signature;
        // entry
        long seq;
        String at;
        String actor;
        String action;
        String target;
        String outcome;
        String reason;
        boolean emergency;
        boolean flagged;
        String client;
        String detail;
        String prevHash;
        String hash;

        Lines(JsonParser p) {
            this.p = p;
        }

        boolean accept(ChainVerifier verifier) {
            return verifier.accept(seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail, prevHash, hash);
        }

        /** Reads the next line (root value); false at the end. */
        boolean next() {
            JsonToken t;
            try {
                t = p.nextToken();
            } catch (JacksonException e) {
                throw new ExportFormatException("line " + lineOf(e) + " is not JSON");
            }
            if (t == null) {
                return false;
            }
            tools.jackson.core.TokenStreamLocation start = p.currentTokenLocation();
            long startLine = start.getLineNr();
            if (startLine == endLine) {
                throw new ExportFormatException("line " + startLine + " is not JSON");
            }
            line = startLine;
            offset = start.getByteOffset();
            typeName = null;
            format = null;
            headSeq = null;
            headHash = null;
            id = null;
            publicKeyPem = null;
            signedAt = null;
            keyId = null;
            signature = null;
            seq = 0;
            at = null;
            actor = null;
            action = null;
            target = null;
            outcome = null;
            reason = null;
            emergency = false;
            flagged = false;
            client = null;
            detail = null;
            prevHash = null;
            hash = null;
            try {
                if (t != JsonToken.START_OBJECT) {
                    if (t.isStructStart()) {
                        p.skipChildren();
                    }
                    endLine = p.currentLocation().getLineNr();
                    type = OTHER;
                    return true;
                }
                String name;
                while ((name = p.nextName()) != null) {
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "type" -> typeName = text(v);
                        case "seq" -> seq = number(v);
                        case "at" -> at = text(v);
                        case "actor" -> actor = text(v);
                        case "action" -> action = text(v);
                        case "target" -> target = text(v);
                        case "outcome" -> outcome = text(v);
                        case "reason" -> reason = text(v);
                        case "emergency" -> emergency = bool(v);
                        case "flagged" -> flagged = bool(v);
                        case "client" -> client = text(v);
                        case "detail" -> detail = text(v);
                        case "prevHash" -> prevHash = text(v);
                        case "hash" -> hash = text(v);
                        case "format" -> format = text(v);
                        case "headSeq" -> headSeq = number(v);
                        case "headHash" -> headHash = text(v);
                        case "id" -> id = text(v);
                        case "publicKeyPem" -> publicKeyPem = text(v);
                        case "signedAt" -> signedAt = text(v);
                        case "keyId" -> keyId = text(v);
                        case "signature" -> signature = text(v);
                        default -> {
                            if (v.isStructStart()) {
                                p.skipChildren();
                            }
                        }
                    }
                }
            } catch (JacksonException e) {
                throw new ExportFormatException("line " + lineOf(e) + " is not JSON");
            }
            endLine = p.currentLocation().getLineNr();
            if (endLine != line) {
                throw new ExportFormatException("line " + line + " is not JSON");
            }
            type = typeName == null ? OTHER : switch (typeName) {
                case "entry" -> ENTRY;
                case "checkpoint" -> CHECKPOINT;
                case "key" -> KEY;
                case "header" -> HEADER;
                default -> OTHER;
            };
            if (type == HEADER && headSeq == null) {
                headSeq = 0L;
            }
            return true;
        }

        private long lineOf(JacksonException e) {
            return e.getLocation() == null ? line : e.getLocation().getLineNr();
        }

        private String text(JsonToken v) {
            return switch (v) {
                case VALUE_STRING -> p.getString();
                case VALUE_NULL -> null;
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getString();
                default -> throw new ExportFormatException("line " + line + ": field '" + p.currentName() + "' is not a value");
            };
        }

        private long number(JsonToken v) {
            return switch (v) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING, VALUE_NULL, VALUE_TRUE, VALUE_FALSE -> p.getValueAsLong(0);
                default -> throw new ExportFormatException("line " + line + ": field '" + p.currentName() + "' is not a value");
            };
        }

        private boolean bool(JsonToken v) {
            return switch (v) {
                case VALUE_TRUE -> true;
                case VALUE_FALSE, VALUE_NULL -> false;
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING -> p.getValueAsBoolean(false);
                default -> throw new ExportFormatException("line " + line + ": field '" + p.currentName() + "' is not a value");
            };
        }
    }

    /** A byte range of a file as a stream (positional reads: several may share the channel). */
    static final class RegionStream extends InputStream {
        private final FileChannel channel;
        private long pos;
        private final long end;

        RegionStream(FileChannel channel, long start, long end) {
            this.channel = channel;
            this.pos = start;
            this.end = end;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= end) {
                return -1;
            }
            int n = (int) Math.min(len, end - pos);
            try {
                int read = channel.read(ByteBuffer.wrap(b, off, n), pos);
                if (read <= 0) {
                    return -1;
                }
                pos += read;
                return read;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
