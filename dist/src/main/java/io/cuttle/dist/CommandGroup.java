package io.cuttle.dist;

import picocli.CommandLine;

/**
 * A command that only gathers its subcommands: given none, it prints its usage, which lists them.
 */
abstract class CommandGroup implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
