package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Keeps sign-ins from crowding out the rest of the API. Every login costs an Argon2 hash (tens of
 * milliseconds of CPU and 19 MiB), so logins run on their own small pool, not the one every REST
 * call shares; at most {@link #MAX_LOGINS_IN_FLIGHT} are running or waiting for it at once, and
 * each client address has a budget of {@link #LOGINS_PER_ADDRESS} logins, refilled at one per
 * {@link #REFILL}. Beyond either: 429 with Retry-After, before any hash or database work.
 */
final class LoginGate implements AutoCloseable {
  static final int HASH_THREADS = 2;
  static final int MAX_LOGINS_IN_FLIGHT = 8;
  static final int LOGINS_PER_ADDRESS = 100;
  static final Duration REFILL = Duration.ofSeconds(1);
  // Addresses whose budget is full again are forgotten once this many are remembered.
  private static final int ADDRESSES_REMEMBERED = 10_000;

  private final Clock clock;
  private final Problems problems;
  private final Semaphore inFlight = new Semaphore(MAX_LOGINS_IN_FLIGHT);
  private final Map<InetAddress, Budget> budgets = new ConcurrentHashMap<>();
  private final ExecutorService hashing;

  LoginGate(Clock clock, Problems problems) {
    this.clock = clock;
    this.problems = problems;
    AtomicInteger threads = new AtomicInteger();
    this.hashing =
        Executors.newFixedThreadPool(
            HASH_THREADS,
            r -> {
              Thread t = new Thread(r, "cuttle-login-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** A login's spent and refilled allowance; {@code spent} is fractional so refills are exact. */
  private record Budget(double spent, long at) {}

  /**
   * Runs {@code login} on the login pool, or refuses at once when over a limit. Armeria hands what
   * the login throws to the service's exception handlers, as for any other call.
   */
  CompletableFuture<HttpResponse> run(InetAddress client, Supplier<HttpResponse> login) {
    if (!spend(client, clock.millis())) {
      return busy("too many logins from your address; try again in a few seconds");
    }
    if (!inFlight.tryAcquire()) {
      return busy("the server is busy with other logins; try again in a second");
    }
    try {
      return CompletableFuture.supplyAsync(login, hashing)
          .whenComplete((response, failure) -> inFlight.release());
    } catch (RejectedExecutionException e) {
      inFlight.release();
      throw e;
    }
  }

  private boolean spend(InetAddress client, long now) {
    if (budgets.size() > ADDRESSES_REMEMBERED) {
      budgets.values().removeIf(b -> refilled(b, now) == 0);
    }
    boolean[] allowed = {false};
    budgets.compute(
        client,
        (address, budget) -> {
          double spent = budget == null ? 0 : refilled(budget, now);
          if (spent + 1 > LOGINS_PER_ADDRESS) {
            return new Budget(spent, now);
          }
          allowed[0] = true;
          return new Budget(spent + 1, now);
        });
    return allowed[0];
  }

  private static double refilled(Budget budget, long now) {
    double refill = (double) Math.max(0, now - budget.at()) / REFILL.toMillis();
    return Math.max(0, budget.spent() - refill);
  }

  private CompletableFuture<HttpResponse> busy(String detail) {
    return CompletableFuture.completedFuture(
        problems
            .response(HttpStatus.TOO_MANY_REQUESTS, detail)
            .mapHeaders(
                h ->
                    h.toBuilder()
                        .set(HttpHeaderNames.RETRY_AFTER, Long.toString(REFILL.toSeconds()))
                        .build()));
  }

  @Override
  public void close() {
    hashing.shutdownNow();
  }
}
