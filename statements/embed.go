// Package statements ships the statements that a new instance starts with:
// every *.md file here is imported when the database holds none.
package statements

import "embed"

// FS holds the shipped statement files.
//
//go:embed *.md
var FS embed.FS
