/**
 * jtractor's public API: open a {@link io.jtractor.Root} actor, spawn and supervise child actors
 * (each its own JVM) with an {@link io.jtractor.ActorNursery}, call them through a {@link
 * io.jtractor.Portal}, and handle what they raise as {@link
 * io.jtractor.errors.RemoteActorError}s. Prior art: tractor ({@code open_root_actor}, {@code open_nursery}, {@code Portal}).
 *
 * <p>Layering: this package stands on {@code io.jtractor.runtime} (actors, connections,
 * spawning: internal, not exported by the module), which stands on {@link io.jtractor.config}
 * (how actors are set up and spawned) and {@link io.jtractor.errors} (what they raise), public
 * leaves, and below them on {@code io.jtractor.wire} and {@code io.jtractor.sc}. Nothing of this
 * package is used below it ({@code LayeringTest}).
 *
 * <pre>{@code
 * try (Root root = Jtractor.openRoot("root")) {
 *   root.openNursery(an -> {
 *     Portal worker = an.startActor("worker", Work.class);   // a daemon child JVM
 *     long sum = worker.run(Work::add, 1L, 2L);              // typed, by method reference
 *     Portal once = an.runInActor(Work::report, "today");    // runs one function, then exits
 *     String text = once.result();
 *     worker.cancelActor();
 *   });
 * } // every child process is gone here
 * }</pre>
 *
 * <p>Contexts pair a task here with a task in another actor ({@link io.jtractor.Portal#openContext},
 * {@link io.jtractor.Context}) and carry a bidirectional {@link io.jtractor.MsgStream}; streaming
 * functions ({@link io.jtractor.Emitter}) are read with {@link io.jtractor.Portal#openStreamFrom}.
 *
 * <pre>{@code
 * long handled = portal.openContext(Server::pingPong, 10L, (ctx, first) -> {
 *   try (MsgStream stream = ctx.openStream()) {
 *     stream.send("ping");
 *     Object reply = stream.receive();
 *   }                              // closing ends the callee's iteration
 *   return ctx.<Long>result();     // the callee's return value
 * });
 * }</pre>
 */
package io.jtractor;
