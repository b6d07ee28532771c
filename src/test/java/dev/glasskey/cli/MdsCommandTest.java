package dev.glasskey.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.MdsBlobs;
import dev.glasskey.testing.MdsFeed;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code glasskey mds load FILE --crl FILE} on the host, offline, and the BLOB kept in the database:
 * a later process (a restart) finds it there. Each step is a process of its own, as an operator runs
 * them; the test MDS root is pinned with {@code -Dglasskey.mds.trust-roots}.
 */
class MdsCommandTest {

    @Test
    void aBlobLoadedOnTheCommandLineIsVerifiedStoredAndFoundByTheNextProcess(@TempDir Path dir) throws Exception {
        MdsFeed.shared().reset(); // nothing served at the signing certificate's CRL distribution point
        Path data = dir.resolve("data");
        Path blob = dir.resolve("blob.jwt");
        Files.writeString(blob, MdsBlobs.blob(3, LocalDate.now(ZoneOffset.UTC).plusDays(30)).model(Fixtures.TEST_MODEL, "Glasskey Test Key",
                SoftwareAuthenticator.packed(Fixtures.TEST_MODEL).attestationRootCertificate(), "FIDO_CERTIFIED_L1").jws() + "\n");
        Path crl = dir.resolve("root.crl");
        Files.writeString(crl, MdsBlobs.TEST.crl(Instant.now()));
        List<String> pinned = List.of("-Dglasskey.mds.trust-roots=" + MdsBlobs.trustRootsFile(), "-Dglasskey.mds.signer-names=" + MdsBlobs.SIGNER_NAME);

        CommandOutput loaded = run(pinned, dir.resolve("load.log"), "mds", "load", blob.toString(), "--crl", crl.toString(), "--data-dir", data.toString());
        assertThat(loaded.exitCode()).as(loaded.text()).isZero();
        assertThat(loaded.text()).contains("loaded BLOB no. 3 (was none), nextUpdate " + LocalDate.now(ZoneOffset.UTC).plusDays(30) + ", 1 models");

        // Without the CRLs the chain cannot be vouched for; under the shipped roots it is not trusted at all.
        CommandOutput noCrl = run(pinned, dir.resolve("no-crl.log"), "mds", "load", blob.toString(), "--data-dir", data.toString());
        assertThat(noCrl.exitCode()).as(noCrl.text()).isEqualTo(2);
        assertThat(noCrl.text()).contains("mds.revocation_unknown: ");
        CommandOutput unpinned = CommandOutput.capture(() -> GlasskeyCommand.run("mds", "load", blob.toString(), "--crl", crl.toString(),
                "--data-dir", data.toString()));
        assertThat(unpinned.exitCode()).as(unpinned.text()).isEqualTo(2);
        assertThat(unpinned.text()).contains("mds.untrusted: ");

        CommandOutput status = run(List.of(), dir.resolve("status.log"), "mds", "status", "--data-dir", data.toString());
        assertThat(status.exitCode()).as(status.text()).isZero();
        assertThat(status.text()).contains("BLOB no. 3, nextUpdate").contains("(current), 1 models").contains("by cli (local command line) from cli");
    }

    private static CommandOutput run(List<String> jvmOptions, Path log, String... args) {
        try (ServerJvm jvm = ServerJvm.start(jvmOptions, List.of(args), log)) {
            return jvm.awaitExit(Duration.ofMinutes(3));
        }
    }
}
