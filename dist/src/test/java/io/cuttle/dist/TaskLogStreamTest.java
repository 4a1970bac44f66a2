package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A task's log as server-sent events from a real tentacle's output, whole and resumed. */
@Timeout(120)
class TaskLogStreamTest {
  /** One server-sent event as it came over the wire. */
  record Event(String id, String type, String data) {}

  @Test
  void theStreamSendsEveryLineThenEndsAndResumesAfterLastEventId(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        ClientFactory factory = ClientFactory.builder().tlsNoVerify().build()) {
      fleet.start(fleet.register("stream-1", false));
      TaskView task =
          fleet.runScript(
              "for i in 1 2 3 4 5; do echo \"line $i\"; done", List.of("stream-1"), 60L);
      WebClient client = WebClient.builder(fleet.server.info().webUrl()).factory(factory).build();
      String path = "/api/tasks/" + task.id() + "/log/stream";

      List<Event> all = events(get(client, fleet, path, null));

      assertThat(lines(all)).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");
      assertThat(all).extracting(Event::type).contains("task");
      Event end = all.get(all.size() - 1);
      assertThat(end.type()).isEqualTo("end");
      assertThat(end.data()).contains("\"state\":\"SUCCEEDED\"");

      String secondLine = all.stream().filter(e -> e.type().equals("line")).toList().get(1).id();
      List<Event> resumed = events(get(client, fleet, path, secondLine));
      assertThat(lines(resumed)).containsExactly("line 3", "line 4", "line 5");

      AggregatedHttpResponse badId = get(client, fleet, path, "yesterday");
      assertThat(badId.status().code()).isEqualTo(400);
      assertThat(badId.contentUtf8()).contains("Last-Event-ID: 'yesterday'");
      AggregatedHttpResponse unknown = get(client, fleet, "/api/tasks/K-nope/log/stream", null);
      assertThat(unknown.status().code()).isEqualTo(404);
    }
  }

  private static AggregatedHttpResponse get(
      WebClient client, TestFleet fleet, String path, String lastEventId) {
    RequestHeadersBuilder headers =
        RequestHeaders.builder(HttpMethod.GET, path)
            .set("authorization", "Bearer " + fleet.server.adminApiKey());
    if (lastEventId != null) {
      headers.set("last-event-id", lastEventId);
    }
    return client.execute(headers.build()).aggregate().join();
  }

  private static List<Event> events(AggregatedHttpResponse response) {
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.contentType().toString()).startsWith("text/event-stream");
    List<Event> events = new ArrayList<>();
    for (String block : response.contentUtf8().split("\n\n")) {
      String id = null;
      String type = "message";
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
      if (data.length() > 0) {
        events.add(new Event(id, type, data.toString()));
      }
    }
    return events;
  }

  private static List<String> lines(List<Event> events) {
    return events.stream()
        .filter(e -> e.type().equals("line"))
        .map(e -> e.data().replaceAll(".*\"text\":\"([^\"]*)\".*", "$1"))
        .toList();
  }
}
