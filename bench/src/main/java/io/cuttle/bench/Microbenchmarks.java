package io.cuttle.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH microbenchmarks of the router's hot paths ({@code io.cuttle.router.*Benchmark}). Run by
 * {@code bench/micro.sh}, which passes JMH's own command-line options through.
 */
public final class Microbenchmarks {
  static final String INCLUDE = "io\\.cuttle\\.router\\..*Benchmark";

  private Microbenchmarks() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    System.out.println(BenchMachine.describe());
    System.out.println(BenchMachine.loadAverage());
    new Runner(new OptionsBuilder().parent(new CommandLineOptions(args)).include(INCLUDE).build())
        .run();
    System.out.println(BenchMachine.loadAverage());
  }

  /** A run of seconds in this JVM, for the smoke test: figures, not trustworthy ones. */
  static Collection<RunResult> smokeRun() throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(INCLUDE)
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(100))
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(200));
    return new Runner(options.build()).run();
  }
}
