/**
 * Implementation details of the aggregation point that are not API: the mapping of
 * upstream connect failures to RFC 8803 error codes and the bookkeeping of live sessions.
 */
package org.haap.ap.internal;
