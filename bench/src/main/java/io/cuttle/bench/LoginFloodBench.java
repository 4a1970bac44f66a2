package io.cuttle.bench;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import io.cuttle.client.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long an authenticated {@code GET /api/tentacles} takes on a quiet {@code cuttle server}, and
 * while {@code --flooders} clients each send {@code --logins} logins for names no user has (every
 * one of which would cost an Argon2 hash). Prints the call's p50 and p99 both ways, and how the
 * logins were answered (401: hashed and refused; 429: refused by the login limits, unhashed).
 */
final class LoginFloodBench {
  private LoginFloodBench() {}

  public static void main(String[] args) throws Exception {
    BenchArguments settings = new BenchArguments(args, Set.of("flooders", "logins", "samples"));
    int flooders = settings.positiveInt("flooders", 48);
    int logins = settings.positiveInt("logins", 20);
    int samples = settings.positiveInt("samples", 200);
    Path dir = Files.createTempDirectory("cuttle-login-flood");
    try (ServerNode node = new ServerNode(dir, 0, ServerNode.TENTACLES_PER_ROUTER);
        ApiClient api = node.api();
        ClientFactory factory = ClientFactory.builder().tlsNoVerify().build()) {
      WebClient web = WebClient.builder(node.webUrl()).factory(factory).build();
      for (int i = 0; i < 20; i++) {
        api.tentacles(); // warm up
      }
      long[] quiet = sample(api, samples, () -> false);
      AtomicInteger hashed = new AtomicInteger();
      AtomicInteger limited = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(flooders);
      List<Future<?>> flood = new ArrayList<>();
      for (int f = 0; f < flooders; f++) {
        int flooder = f;
        flood.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < logins; i++) {
                    int status = login(web, "nobody-" + flooder + "-" + i);
                    (status == 429 ? limited : hashed).incrementAndGet();
                  }
                }));
      }
      long[] flooded = sample(api, samples, () -> flood.stream().allMatch(Future::isDone));
      for (Future<?> f : flood) {
        f.get(10, TimeUnit.MINUTES);
      }
      pool.shutdownNow();
      System.out.printf(
          "GET /api/tentacles quiet:  p50 %.1f ms  p99 %.1f ms  (%d calls)%n",
          ms(quiet, 0.50), ms(quiet, 0.99), quiet.length);
      System.out.printf(
          "GET /api/tentacles during %d x %d logins:  p50 %.1f ms  p99 %.1f ms  (%d calls)%n",
          flooders, logins, ms(flooded, 0.50), ms(flooded, 0.99), flooded.length);
      System.out.printf(
          "logins answered 401 (hashed): %d, 429 (limited, not hashed): %d%n",
          hashed.get(), limited.get());
    }
  }

  /** Up to {@code count} timed calls, fewer if {@code done} says the flood is over first. */
  private static long[] sample(ApiClient api, int count, java.util.function.BooleanSupplier done) {
    long[] nanos = new long[count];
    int taken = 0;
    while (taken < count && !done.getAsBoolean()) {
      long start = System.nanoTime();
      api.tentacles();
      nanos[taken++] = System.nanoTime() - start;
    }
    long[] sorted = Arrays.copyOf(nanos, Math.max(1, taken));
    Arrays.sort(sorted);
    return sorted;
  }

  private static int login(WebClient web, String name) {
    return web.execute(
            HttpRequest.builder()
                .post("/api/login")
                .content(
                    MediaType.JSON_UTF_8,
                    "{\"name\":\"" + name + "\",\"password\":\"not the password\"}")
                .build())
        .aggregate()
        .join()
        .status()
        .code();
  }

  private static double ms(long[] sorted, double fraction) {
    return RouterBench.percentile(sorted, fraction) / 1e6;
  }
}
