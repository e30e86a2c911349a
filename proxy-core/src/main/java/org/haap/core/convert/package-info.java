/**
 * The RFC 8803 (0-RTT TCP Convert) wire format: {@link org.haap.core.convert.ConvertMessage}
 * and its {@link org.haap.core.convert.ConvertTlv} records, the stateless, strict and
 * incremental {@link org.haap.core.convert.ConvertCodec} (whose only failure is a
 * {@link org.haap.core.convert.ConvertException} carrying the RFC error code to reply
 * with), and {@link org.haap.core.convert.ConvertMessageDecoder}, a pipeline stage that
 * decodes the one message at the head of a stream, then removes itself so that the
 * application data behind it flows on untouched. Semantics (which TLVs a request needs,
 * cookie checks, what to reply) belong to the gateway and the aggregation point.
 */
package org.haap.core.convert;
