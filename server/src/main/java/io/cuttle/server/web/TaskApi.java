package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Header;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.tasks.TaskEngine;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TaskLog;
import io.cuttle.wire.api.TaskView;
import java.util.ArrayList;
import java.util.List;

/** {@code /api/tasks}: run scripts and follow what they print. */
final class TaskApi {
  private static final int MAX_PAGE = 5000;
  // A million lines: far beyond any log a person reads, and a bound on the download's memory.
  private static final int MAX_DOWNLOAD_PAGES = 200;

  private final TaskEngine engine;
  private final TaskStore tasks;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  private final TaskLogStream stream;

  TaskApi(
      TaskEngine engine,
      TaskStore tasks,
      TaskLogStream stream,
      JsonBodies bodies,
      JsonResponses responses) {
    this.engine = engine;
    this.tasks = tasks;
    this.stream = stream;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Post("/tasks/scripts")
  public HttpResponse runScript(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    RunScriptRequest body = bodies.read(request, RunScriptRequest.class);
    TaskView task = engine.runScript(body, ctx.attr(ApiKeyAuthorizer.CALLER));
    ctx.setAttr(ApiKeyAuthorizer.AUDIT_TARGET, "task " + task.id());
    return responses.created(task);
  }

  /**
   * Cancels the task's unfinished targets. Answers the task as it stands: targets that were queued
   * are cancelled already, running ones follow when their tentacle has stopped the script.
   */
  @Post("/tasks/{id}/cancel")
  public HttpResponse cancel(ServiceRequestContext ctx, @Param("id") String id) {
    return responses.ok(engine.cancel(id, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Get("/tasks")
  public HttpResponse recent(@Param("limit") @Default("20") int limit) {
    return responses.ok(tasks.recent(bounded("limit", limit, 200)));
  }

  @Get("/tasks/{id}")
  public HttpResponse get(@Param("id") String id) {
    return responses.ok(find(id));
  }

  /**
   * Log lines after {@code after}, and the task's state read before them. A result is recorded only
   * once all of its lines are stored, so a finished state here means the page holds every remaining
   * line unless it is full.
   */
  @Get("/tasks/{id}/log")
  public HttpResponse log(
      @Param("id") String id,
      @Param("after") @Default("0") long after,
      @Param("limit") @Default("1000") int limit) {
    TaskView task = find(id);
    List<LogEntry> lines = tasks.log(id, after, bounded("limit", limit, MAX_PAGE));
    long next = lines.isEmpty() ? after : lines.get(lines.size() - 1).cursor();
    return responses.ok(new TaskLog(lines, next, task));
  }

  /**
   * The log as it grows, as server-sent events (see {@link TaskLogStream}); from the start, or
   * after the cursor in Last-Event-ID (a reconnecting browser) or {@code after}.
   */
  @Get("/tasks/{id}/log/stream")
  public HttpResponse logStream(
      ServiceRequestContext ctx,
      @Param("id") String id,
      @Header("last-event-id") @Nullable String lastEventId,
      @Param("after") @Default("0") long after) {
    find(id);
    long from = after;
    if (lastEventId != null) {
      try {
        from = Long.parseLong(lastEventId.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(
            "Last-Event-ID: '" + lastEventId + "' (expected: a log cursor from this stream)");
      }
    }
    ctx.clearRequestTimeout(); // it lasts as long as the task, within TaskLogStream.MAX_STREAM
    return stream.follow(id, from);
  }

  /** The whole log as plain text, one block per target, to download. */
  @Get("/tasks/{id}/log.txt")
  public HttpResponse logText(@Param("id") String id) {
    TaskView task = find(id);
    List<LogEntry> lines = new ArrayList<>();
    for (int page = 0; page < MAX_DOWNLOAD_PAGES; page++) {
      List<LogEntry> more =
          tasks.log(id, lines.isEmpty() ? 0 : lines.get(lines.size() - 1).cursor(), MAX_PAGE);
      lines.addAll(more);
      if (more.size() < MAX_PAGE) {
        break;
      }
    }
    return HttpResponse.builder()
        .ok()
        .content(MediaType.PLAIN_TEXT_UTF_8, TaskLogText.of(task, lines))
        .header(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".log\"")
        .build();
  }

  private TaskView find(String id) {
    return tasks.find(id).orElseThrow(() -> ApiException.notFound("no task '" + id + "'"));
  }

  private static int bounded(String name, int value, int max) {
    if (value < 1 || value > max) {
      throw ApiException.badRequest(name + ": " + value + " (expected: 1 to " + max + ")");
    }
    return value;
  }
}
