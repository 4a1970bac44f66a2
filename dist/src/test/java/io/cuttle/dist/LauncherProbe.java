package io.cuttle.dist;

/** The whole program in LauncherClassArchiveTest's stand-in jar. */
public final class LauncherProbe {
  private LauncherProbe() {}

  public static void main(String[] args) {
    System.out.println("probe ran");
  }
}
