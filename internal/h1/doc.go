// Package h1 is the sender's lean HTTP/1.1 client: it POSTs a body that is
// already in memory and reads the answer, with about half the CPU of
// net/http's Transport per request (no reader and writer goroutine per
// connection, no request object, a parse of the common answer without
// net/http). Throughput against a local receiver is what the load runs and
// the sender's benchmarks measure.
//
// What it does:
//   - Requests: POST only, with a Content-Length body (never chunked, no
//     Expect: 100-continue). Header names are written exactly as given,
//     never canonicalised, in a fixed order: the request line, Host,
//     User-Agent (only when set and not empty), Content-Type,
//     Content-Length, then the names of Post's order (the platform's
//     documented headers, spelt as order spells them), then every other
//     header sorted by name. Host, Content-Length, Transfer-Encoding and
//     Connection in the given headers are ignored, and CR and LF are
//     dropped from values so that no value can split the header block.
//   - Connections: plain TCP or TLS (crypto/tls with the client's config,
//     ServerName from the URL), dialled with a 30 s dial timeout and 30 s
//     TCP keep-alive; HTTP/1.1 only, no proxies, no HTTP/2.
//   - Timeouts: one absolute deadline per Post covers dialling, the TLS
//     handshake, writing the request and reading the whole answer;
//     cancelling ctx ends the exchange at once.
//   - Answers: a simple answer (HTTP/1.1, status 200 to 599, the whole head
//     already buffered, at most 16 well-formed header lines, no
//     Transfer-Encoding, Connection, Trailer or Pragma, one valid
//     Content-Length or none for 204 and 304) is parsed here, and a head
//     identical to the connection's previous one reuses its parsed header
//     map (so headers returned are read-only). Anything else goes to
//     net/http's http.ReadResponse, which also skips 1xx interim answers.
//     The head is read under a byte limit (HeaderTooLargeError); at most
//     maxBody bytes of the body are kept and a longer body is flagged
//     Truncated and not read further.
//   - Keep-alive: a connection goes back to its scheme://host:port pool (at
//     most maxIdle, last in first out) only when the body ended exactly
//     where its framing said, was not truncated, the answer did not say
//     Connection: close or switch protocols, and no byte followed it. An
//     idle connection on which bytes or the end arrived meanwhile is
//     dropped before use. A reused connection that reaches EOF or a reset
//     before any byte of an answer (the receiver closed it while idle) is
//     retried once on a fresh connection, as net/http does; a timeout is
//     never retried.
//   - On unix, plain TCP requests are written from inside the socket's
//     RawConn.Read callback, which then waits for the answer there: one
//     system call less per exchange. Anything unusual falls back to
//     ordinary Write and Read.
//
// What it deliberately does not do: follow redirects (a 3xx is returned
// as is), send or decode compressed bodies, handle cookies, take
// credentials from the URL (the caller sets Authorization), stream request
// bodies, or send any method but POST.
//
// It imports only the standard library; it must not import hookdrill's
// packages (sender imports it, not the other way round).
package h1
