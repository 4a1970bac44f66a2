package io.cuttle.server.deploy;

import io.cuttle.server.data.EnvironmentStore;
import io.cuttle.server.tasks.Validation;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.EnvironmentView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Environments: made, renamed, put in order, and deleted once nothing uses them. */
public final class Environments {
  private static final Logger log = LoggerFactory.getLogger(Environments.class);

  private final EnvironmentStore store;
  private final Clock clock;

  public Environments(EnvironmentStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public List<EnvironmentView> list() {
    return store.list();
  }

  public EnvironmentView get(String name) {
    return store.jdbi().withHandle(h -> find(h, name));
  }

  private EnvironmentView find(Handle h, String name) {
    return store
        .find(h, name)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "no environment '" + name + "'; list them with GET /api/environments"));
  }

  public EnvironmentView create(String requestedName, String caller) {
    String name = Validation.name("name", requestedName);
    EnvironmentView created =
        store
            .jdbi()
            .inTransaction(
                h -> {
                  refuseTaken(h, name);
                  return store.add(h, name, clock.millis());
                });
    log.info("Environment '{}' created by {}", name, caller);
    return created;
  }

  /** Renames an environment; its tentacles move with it. */
  public EnvironmentView rename(String name, String requestedName, String caller) {
    String newName = Validation.name("name", requestedName);
    EnvironmentView renamed =
        store
            .jdbi()
            .inTransaction(
                h -> {
                  EnvironmentView existing = find(h, name);
                  if (!existing.name().equalsIgnoreCase(newName)) {
                    refuseTaken(h, newName);
                  }
                  store.rename(h, existing, newName);
                  return new EnvironmentView(existing.id(), newName, existing.position());
                });
    log.info("Environment '{}' renamed to '{}' by {}", name, newName, caller);
    return renamed;
  }

  /** Puts every environment in the order given; the list must name each exactly once. */
  public List<EnvironmentView> reorder(List<String> names, String caller) {
    if (names == null || names.isEmpty()) {
      throw ApiException.badRequest("names is required: every environment's name, in order");
    }
    List<EnvironmentView> ordered =
        store
            .jdbi()
            .inTransaction(
                h -> {
                  List<EnvironmentView> all = store.list(h);
                  Set<String> given = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                  List<EnvironmentView> inOrder = new ArrayList<>();
                  for (String name : names) {
                    if (name == null || !given.add(name)) {
                      throw ApiException.badRequest(
                          "names: '" + name + "' is missing or appears more than once");
                    }
                    inOrder.add(find(h, name));
                  }
                  if (inOrder.size() != all.size()) {
                    List<String> missing =
                        all.stream()
                            .map(EnvironmentView::name)
                            .filter(n -> !given.contains(n))
                            .toList();
                    throw ApiException.badRequest(
                        "names must list every environment; missing: " + missing);
                  }
                  store.reorder(h, inOrder);
                  return store.list(h);
                });
    log.info(
        "Environments put in order by {}: {}",
        caller,
        ordered.stream().map(EnvironmentView::name).toList());
    return ordered;
  }

  public void delete(String name, String caller) {
    store
        .jdbi()
        .useTransaction(
            h -> {
              EnvironmentView environment = find(h, name);
              List<String> uses = store.uses(h, environment);
              if (!uses.isEmpty()) {
                throw ApiException.conflict(
                    "environment '"
                        + environment.name()
                        + "' is used by "
                        + String.join(", ", uses)
                        + "; move or deregister its tentacles and delete its variables first"
                        + (uses.stream().anyMatch(u -> u.contains("deployment"))
                            ? " (deployments are history and keep it for good; rename it instead)"
                            : ""));
              }
              store.delete(h, environment.id());
            });
    log.info("Environment '{}' deleted by {}", name, caller);
  }

  private void refuseTaken(Handle h, String name) {
    store
        .find(h, name)
        .ifPresent(
            e -> {
              throw ApiException.conflict(
                  "an environment named '"
                      + e.name()
                      + "' exists already"
                      + (e.name().equals(name) ? "" : " (names ignore case)")
                      + "; pick another name");
            });
  }
}
