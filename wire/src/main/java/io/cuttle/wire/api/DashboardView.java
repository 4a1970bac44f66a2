package io.cuttle.wire.api;

import java.util.List;

/**
 * Which release of each project is in each environment: one row per project, one cell per
 * environment, both in their usual order ({@code GET /api/dashboard}).
 */
public record DashboardView(List<String> environments, List<Row> projects) {
  /** A project's cells, one per environment in the order of {@code environments}. */
  public record Row(String project, List<Cell> cells) {}

  /**
   * A project in an environment.
   *
   * @param deployed the last deployment that succeeded there: the release now in place; null when
   *     none has
   * @param latest the newest deployment there, whatever its state (running, failed, or the same as
   *     {@code deployed}); null when there has been none
   */
  public record Cell(String environment, DeploymentView deployed, DeploymentView latest) {}
}
