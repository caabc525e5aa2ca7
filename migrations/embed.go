// Package migrations holds undersign's versioned SQL schema, one directory
// per dialect with the same version numbers in both. Files are append-only:
// a released migration is never edited, a change is a new file.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
