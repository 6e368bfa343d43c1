/**
 * tractor's wire: framing, the msgpack codec, messages, the handshake and the transports (TCP,
 * TLS, Unix domain sockets, and in-memory pairs within one JVM).
 */
module io.jtractor.wire {
  requires org.slf4j;

  exports io.jtractor.wire;
}
