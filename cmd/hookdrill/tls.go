package main

import "crypto/tls"

// insecureTLS accepts any certificate: for local receivers with self-signed
// certificates, enabled only by an explicit --insecure flag.
func insecureTLS() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true} //nolint:gosec // explicit user opt-in
}
