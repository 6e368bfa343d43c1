package io.jtractor.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The aims of issue 18 beside what this run measured: each figure that has an aim is recorded
 * as it is printed, and {@link #print} lists them at the end, one line each, beginning with
 * "aim", saying whether the run met it. A verdict on one run, not a claim: on a 2-vCPU VM the
 * same jar moves by up to 2x from run to run, so read several runs, pinned and unpinned.
 *
 * <p>Threads: figures are recorded by whichever thread measured them; the list is guarded by
 * its own monitor.
 */
final class Aims {
  private Aims() {}

  /** One figure and its aim; a null aim for a figure shown with no number to meet. */
  private record Figure(String what, String aim, String measured, boolean met) {}

  /** The figures recorded so far, in order; guarded by itself. */
  private static final List<Figure> FIGURES = new ArrayList<>();

  /** Records a figure whose aim is to be at least {@code floor}. */
  static void atLeast(String what, double floor, double measured, String unit) {
    record(new Figure(what, ">= " + format(floor, unit), format(measured, unit), measured >= floor));
  }

  /** Records a figure whose aim is to be at most {@code ceiling}. */
  static void atMost(String what, double ceiling, double measured, String unit) {
    record(new Figure(what, "<= " + format(ceiling, unit), format(measured, unit), measured <= ceiling));
  }

  /** Records a figure that the issue asks to see, with no number to meet (a mixed tree). */
  static void shown(String what, double measured, String unit) {
    record(new Figure(what, null, format(measured, unit), true));
  }

  private static void record(Figure f) {
    synchronized (FIGURES) {
      FIGURES.add(f);
    }
  }

  private static String format(double v, String unit) {
    return unit.equals("x") ? String.format("%.2fx", v) : String.format("%.1f %s", v, unit);
  }

  /** Prints the figures recorded so far, with the run's placement, and forgets them. */
  static void print() {
    List<Figure> all;
    synchronized (FIGURES) {
      all = List.copyOf(FIGURES);
      FIGURES.clear();
    }
    if (all.isEmpty()) return;
    int cpus = Runtime.getRuntime().availableProcessors();
    System.out.println("aims of issue 18 in this run (" + (cpus == 1 ? "pinned to one CPU" : cpus + " CPUs") + "):");
    for (Figure f : all) {
      if (f.aim() == null) {
        System.out.printf("aim %s: %s (shown, no figure to meet)%n", f.what(), f.measured());
      } else {
        System.out.printf("aim %s %s: %s, %s%n", f.what(), f.aim(), f.measured(), f.met() ? "met" : "NOT met");
      }
    }
  }
}
