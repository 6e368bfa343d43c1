/**
 * Benchmarks. JMH classes ({@code *Bench}) compare {@code sc} against the JDK baseline measured in
 * the same run (raw virtual threads, {@code SynchronousQueue}, {@code ArrayBlockingQueue}); plain
 * {@code main} programs measure latencies as distributions ({@link io.jtractor.bench.CancelLatency})
 * and whole actor trees ({@link io.jtractor.bench.ActorBench}: spawn, echo round trip next to a raw
 * two-JVM socket ping-pong, with its tail and the CPU time per round trip of both processes (which,
 * unlike latency, does not move with where the scheduler puts threads), memory; {@link io.jtractor.bench.StreamBench}: stream throughput next to
 * a raw buffered socket, stream echo, {@code Context.cancel()} latency, an erroring actor tree). Numbers go into notes, never into assertions of unit tests.
 *
 * <p>Build: {@code ./mvnw -q -pl bench -am -DskipTests package}. Run with JDK 25's {@code java}:
 * {@code java -jar bench/target/benchmarks.jar [regex]}, {@code java -cp
 * bench/target/benchmarks.jar io.jtractor.bench.CancelLatency}, {@code java -cp
 * bench/target/benchmarks.jar io.jtractor.bench.ActorBench}, {@code java -cp bench/target/benchmarks.jar
 * io.jtractor.bench.StreamBench [messages] [tree?]}. Report latencies pinned ({@code
 * taskset -c 0}) and unpinned.
 */
package io.jtractor.bench;
