package io.cuttle.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerIdentitiesTest {
  private static final List<String> NAMES = List.of("localhost", "polling.localhost");

  @Test
  void activationKeepsThePreviousAndARestartPresentsTheActivatedOne(@TempDir Path data)
      throws Exception {
    ServerIdentities identities = ServerIdentities.open(data, "cuttle-server test", NAMES);
    Thumbprint first = identities.current().thumbprint();
    assertThat(identities.next()).isEmpty();

    Identity next = identities.createNext();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(
                    data.resolve(ServerIdentities.NEXT).resolve(PemFiles.KEY_FILE))))
        .isEqualTo("rw-------");
    assertThat(identities.current().thumbprint()).isEqualTo(first);

    identities.activate();

    assertThat(identities.current().thumbprint()).isEqualTo(next.thumbprint());
    assertThat(identities.previous().orElseThrow().thumbprint()).isEqualTo(first);
    assertThat(identities.next()).isEmpty();
    ServerIdentities reopened = ServerIdentities.open(data, "cuttle-server test", NAMES);
    assertThat(reopened.current().thumbprint()).isEqualTo(next.thumbprint());
    assertThat(reopened.previous().orElseThrow().thumbprint()).isEqualTo(first);
    assertThat(reopened.next()).isEmpty();
  }

  @Test
  void anActivationCutBetweenItsRenamesIsCompletedAtStart(@TempDir Path data) throws Exception {
    ServerIdentities identities = ServerIdentities.open(data, "cuttle-server test", NAMES);
    Thumbprint first = identities.current().thumbprint();
    Thumbprint next = identities.createNext().thumbprint();
    // The first rename done, the second not: no current pair on disk.
    Files.move(data.resolve(ServerIdentities.CURRENT), data.resolve(ServerIdentities.PREVIOUS));

    ServerIdentities reopened = ServerIdentities.open(data, "cuttle-server test", NAMES);

    assertThat(reopened.current().thumbprint()).isEqualTo(next);
    assertThat(reopened.previous().orElseThrow().thumbprint()).isEqualTo(first);
  }

  @Test
  void rotatingBackNeedsAPreviousCertificate(@TempDir Path data) throws Exception {
    ServerIdentities identities = ServerIdentities.open(data, "cuttle-server test", NAMES);
    Thumbprint first = identities.current().thumbprint();
    assertThatThrownBy(identities::nextFromPrevious)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("there is no previous server certificate");
    assertThatThrownBy(identities::activate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no next server certificate");

    identities.createNext();
    identities.activate();
    identities.nextFromPrevious();
    identities.activate();

    assertThat(identities.current().thumbprint()).isEqualTo(first);
  }
}
