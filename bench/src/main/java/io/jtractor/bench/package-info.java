/**
 * Benchmarks. JMH classes ({@code *Bench}) compare jtractor against the JDK baseline measured in
 * the same run (raw virtual threads, {@code SynchronousQueue}, {@code ArrayBlockingQueue}); plain
 * {@code main} programs measure latencies as distributions. Numbers go into notes, never into
 * assertions of unit tests.
 *
 * <p>Build and run: {@code ./mvnw -q -pl bench -am -DskipTests package}, then {@code java -jar
 * bench/target/benchmarks.jar [regex]} (the JDK 25 {@code java}), or {@code java -cp
 * bench/target/benchmarks.jar io.jtractor.bench.CancelLatency}. Report latencies pinned
 * ({@code taskset -c 0}) and unpinned.
 */
package io.jtractor.bench;
