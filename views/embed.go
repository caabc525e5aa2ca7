// Package views holds undersign's HTML and mail templates and static
// assets, embedded in the binary.
package views

import (
	"embed"
	"io/fs"
	"net/http"
)

// FS holds every template and static asset.
//
//go:embed layouts partials public errors static mail embed admin
var FS embed.FS

// HTTPStatic serves the static assets (CSS, scripts, images).
func HTTPStatic() http.FileSystem {
	sub, err := fs.Sub(FS, "static")
	if err != nil {
		panic(err) // static is embedded above
	}
	return http.FS(sub)
}
