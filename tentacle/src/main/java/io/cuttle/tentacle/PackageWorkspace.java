package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.DeployPackage;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.RunScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A package deployment's folder: the package, fetched or from the cache and verified, extracted
 * into {@code package/} in the command's folder, where the script then runs. The script is the
 * command's own, kept beside that folder so it cannot clash with a file of the package, or, when
 * the command has none, the package's {@code deploy.sh}.
 */
final class PackageWorkspace implements Workspace {
  static final String DEFAULT_SCRIPT = "deploy.sh";

  private final PackageCache cache;
  private final ArchiveExtractor extractor;
  private final String commandId;
  private final DeployPackage deployment;

  PackageWorkspace(
      PackageCache cache, ArchiveExtractor extractor, String commandId, DeployPackage deployment) {
    this.cache = cache;
    this.extractor = extractor;
    this.commandId = commandId;
    this.deployment = deployment;
  }

  @Override
  public Launch prepare(Path folder, RunScript script, LineSink output, BooleanSupplier cancelled)
      throws Failure, IOException, InterruptedException {
    String name = deployment.getPackageId() + " " + deployment.getVersion();
    Path archive;
    try {
      archive = cache.obtain(commandId, deployment, output, cancelled);
    } catch (PackageCache.Unavailable e) {
      throw new Failure(e.getMessage());
    }
    Path extracted = folder.resolve("package");
    output.add(LogLine.Stream.STDOUT, "Extracting " + name + " into " + extracted);
    try {
      switch (deployment.getFormat()) {
        case ZIP -> extractor.extractZip(archive, extracted);
        case TAR_GZ -> extractor.extractTarGz(archive, extracted);
        default ->
            throw new Failure(
                "package " + name + " has a format this tentacle cannot extract; upgrade it");
      }
    } catch (ArchiveExtractor.Refused e) {
      throw new Failure("refused to extract package " + name + ": " + e.getMessage());
    }
    if (!script.getBody().isEmpty()) {
      return new Launch(extracted, Workspace.writeScript(folder, script));
    }
    Path own = extracted.resolve(DEFAULT_SCRIPT);
    if (!Files.isRegularFile(own)) {
      throw new Failure(
          "package "
              + name
              + " has no "
              + DEFAULT_SCRIPT
              + " at its top level and the deployment named no script to run; add one to the"
              + " package or give a script when deploying");
    }
    return new Launch(extracted, own);
  }
}
