/**
 * The only place in HAAP that touches native code: jnr-ffi bindings to the few libc calls
 * HAAP needs (socket, setsockopt, getsockopt, bind, listen, accept4, dup3, setns, open,
 * close, getrlimit, setrlimit) and a
 * checked-exception facade over them that reports failures as {@link
 * org.haap.core.sys.internal.ErrnoException} with the errno kept. Not API: other packages of
 * proxy-core use it, nothing outside proxy-core should.
 */
package org.haap.core.sys.internal;
