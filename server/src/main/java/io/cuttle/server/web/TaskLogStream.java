package io.cuttle.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import io.cuttle.server.data.TaskStore;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task's log as server-sent events: {@code line} events (a {@link LogEntry}, with its cursor as
 * the event id, so a browser that reconnects sends it back as Last-Event-ID and misses nothing),
 * {@code task} events when the task's state changes, and one {@code end} event once the task has
 * finished and every line is sent. The store is read every {@link #POLL}; a stream lasts at most
 * {@link #MAX_STREAM}, after which the browser reconnects where it was.
 */
final class TaskLogStream {
  static final Duration POLL = Duration.ofMillis(400);
  static final Duration MAX_STREAM = Duration.ofMinutes(30);
  private static final int PAGE = 1000;

  private final TaskStore tasks;
  private final ScheduledExecutorService workers;
  private final ObjectMapper json;
  private final Clock clock;

  TaskLogStream(TaskStore tasks, ScheduledExecutorService workers, ObjectMapper json, Clock clock) {
    this.tasks = tasks;
    this.workers = workers;
    this.json = json;
    this.clock = clock;
  }

  HttpResponse follow(String taskId, long after) {
    StreamWriter<ServerSentEvent> events = StreamMessage.streaming();
    workers.execute(new Follower(taskId, after, events, clock.millis() + MAX_STREAM.toMillis()));
    return ServerSentEvents.fromPublisher(events);
  }

  /** One stream's reader: runs once per poll until the task ends or the browser leaves. */
  private final class Follower implements Runnable {
    private final String taskId;
    private final StreamWriter<ServerSentEvent> events;
    private final long deadline;
    private long cursor;
    private TaskState shownState;

    Follower(String taskId, long after, StreamWriter<ServerSentEvent> events, long deadline) {
      this.taskId = taskId;
      this.cursor = after;
      this.events = events;
      this.deadline = deadline;
    }

    @Override
    public void run() {
      if (!events.isOpen()) {
        return; // the browser went away
      }
      try {
        // State first, then lines: a finished state means its lines are all stored (TaskApi.log).
        TaskView task = tasks.find(taskId).orElseThrow();
        List<LogEntry> lines = tasks.log(taskId, cursor, PAGE);
        for (LogEntry line : lines) {
          events.tryWrite(
              ServerSentEvent.builder()
                  .id(Long.toString(line.cursor()))
                  .event("line")
                  .data(write(line))
                  .build());
          cursor = line.cursor();
        }
        if (task.state() != shownState) {
          shownState = task.state();
          events.tryWrite(ServerSentEvent.builder().event("task").data(write(task)).build());
        }
        if (task.state().finished() && lines.size() < PAGE) {
          events.tryWrite(ServerSentEvent.builder().event("end").data(write(task)).build());
          events.close();
        } else if (clock.millis() >= deadline) {
          events.close();
        } else {
          workers.schedule(this, lines.size() == PAGE ? 0 : POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (RuntimeException e) {
        events.close(e);
      }
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
