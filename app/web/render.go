package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"sync"

	"github.com/gofiber/template/html/v2"
)

// pageViews renders pages into their layout without the template engine's
// global lock. gofiber/template's html engine rebinds the layout's embed
// function on the shared template set for every render with a layout,
// under an exclusive lock, so page renders would queue one behind another
// on every core. Here the page renders into a buffer first and the layout
// reads it from Page.Content; html/template's Execute is safe for
// concurrent use.
type pageViews struct{ *html.Engine }

var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render renders name, inside the first layout when one is given.
func (v pageViews) Render(w io.Writer, name string, binding any, layout ...string) error {
	p, ok := binding.(*Page)
	if len(layout) == 0 || layout[0] == "" || !ok {
		return v.Engine.Render(w, name, binding, layout...)
	}
	page, lay := v.Templates.Lookup(name), v.Templates.Lookup(layout[0])
	if page == nil || lay == nil {
		return fmt.Errorf("render: template %q or layout %q does not exist", name, layout[0])
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); renderBuffers.Put(buf) }()
	if err := page.Execute(buf, p); err != nil {
		return err
	}
	p.Content = template.HTML(buf.String()) // #nosec G203 -- html/template's own escaped output
	return lay.Execute(w, p)
}
