package io.jtractor.examples.tractor;

import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Sc;
import java.time.Duration;

/**
 * One child actor per core (at most 4), each sleeping forever; after a second the root fails on
 * purpose, and the failure takes every child process down with it before it reaches {@code main}.
 * Watch it with {@code watch -n 0.1 pstree -a <pid>}. tractor: {@code
 * parallelism/we_are_processes.py}.
 */
public final class WeAreProcesses {
  private WeAreProcesses() {}

  /** Runs in every child: says where it runs, then sleeps until cancelled. */
  public static void target() {
    System.out.println("Yo, i'm '" + Jtractor.currentActor().name() + "' running in pid " + ProcessHandle.current().pid());
    Sc.sleepForever();
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        int workers = Math.min(4, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < workers; i++) {
          an.runInActor("worker_" + i, WeAreProcesses::target);
        }
        System.out.println("This process tree will self-destruct in 1 sec...");
        Sc.sleep(Duration.ofSeconds(1));
        throw new IllegalStateException("Self Destructed"); // you could have done this yourself
      });
    } catch (IllegalStateException e) {
      long left = ProcessHandle.current().children().filter(ProcessHandle::isAlive).count();
      System.out.println("Zombies Contained (" + e.getMessage() + "; child processes left: " + left + ")");
    }
  }
}
