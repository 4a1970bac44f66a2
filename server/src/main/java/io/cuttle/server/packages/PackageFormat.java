package io.cuttle.server.packages;

import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.polling.v1.DeployPackage;
import java.util.List;
import java.util.Optional;

/** The archive formats a tentacle can extract, told apart by their first bytes, not a name. */
public enum PackageFormat {
  ZIP("zip", DeployPackage.Format.ZIP),
  TAR_GZ("tar.gz", DeployPackage.Format.TAR_GZ);

  /** Bytes needed to recognise a format. */
  static final int SIGNATURE_BYTES = 4;

  private final String label;
  private final DeployPackage.Format wire;

  PackageFormat(String label, DeployPackage.Format wire) {
    this.label = label;
    this.wire = wire;
  }

  public String label() {
    return label;
  }

  public DeployPackage.Format wire() {
    return wire;
  }

  /** The capability a tentacle reports when it can extract this format. */
  public String capability() {
    return "package:" + label;
  }

  /**
   * Refuses (400, naming them) targets that have not reported they can extract this format: an
   * older tentacle would not understand the command.
   */
  public void requireCapableTargets(List<TentacleRecord> targets) {
    List<String> unable =
        targets.stream()
            .filter(t -> t.capabilities() == null || !t.capabilities().contains(capability()))
            .map(TentacleRecord::name)
            .toList();
    if (!unable.isEmpty()) {
      throw ApiException.badRequest(
          "tentacle(s) "
              + unable
              + " have not reported that they can deploy "
              + label
              + " packages (capability "
              + capability()
              + "); upgrade them, or let them connect once, then deploy again");
    }
  }

  static Optional<PackageFormat> recognise(byte[] head, int length) {
    if (length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return Optional.of(ZIP);
    }
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return Optional.of(TAR_GZ);
    }
    return Optional.empty();
  }

  static PackageFormat ofLabel(String label) {
    for (PackageFormat format : values()) {
      if (format.label.equals(label)) {
        return format;
      }
    }
    throw new IllegalStateException("a stored package has an unknown format: " + label);
  }
}
