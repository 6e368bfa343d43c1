/**
 * sc: structured concurrency for Java, after trio (nurseries, cancel scopes, memory channels,
 * deadlines) and a bridge to foreign event loops. Knows nothing of actors.
 */
module io.jtractor.sc {
  exports io.jtractor.sc;
  exports io.jtractor.sc.foreign;
}
