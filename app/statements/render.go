package statements

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.Table))
	policy   = bluemonday.UGCPolicy()
)

// Render turns Markdown into HTML that is safe to put in a page: goldmark
// renders it, bluemonday keeps only harmless elements and attributes.
func Render(md string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		// goldmark only fails on writer errors; a bytes.Buffer has none.
		return template.HTML(template.HTMLEscapeString(md)) // #nosec G203 -- escaped above
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // #nosec G203 -- sanitised by bluemonday
}
