package web

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
)

// badge is an SVG image with the count: "1,234 organisations have signed",
// in the language ?lang= asks for or else the statement's.
func (s *Server) badge(c *fiber.Ctx) error {
	lang := sharedLang(c.Query("lang"))
	return s.serveStatementCached(c, "badge:"+lang, func(st *models.Statement) (*listing.Entry, error) {
		loc := s.sharedLocale(lang, st.Lang)
		counts, err := s.list.Lister.Counts(c.UserContext(), st)
		if err != nil {
			return nil, err
		}
		text := signedText(loc, st, counts.Total)
		if counts.Hidden {
			text = hiddenText(loc, *st.EmbargoUntil)
		}
		return &listing.Entry{Body: badgeSVG(text), ContentType: "image/svg+xml; charset=utf-8"}, nil
	})
}

// badgeSVG draws text on a rounded label whose width fits the text.
func badgeSVG(text string) []byte {
	const pad = 10
	tw := textWidth(text)
	w := tw + 2*pad
	var label bytes.Buffer
	_ = xml.EscapeText(&label, []byte(text)) // writes to a buffer: cannot fail
	t, ws, tws, mid := label.String(), strconv.Itoa(w), strconv.Itoa(tw), strconv.Itoa(w/2)
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="` + ws + `" height="20" viewBox="0 0 ` + ws + ` 20" role="img" aria-label="` + t + `">`)
	b.WriteString(`<title>` + t + `</title>`)
	b.WriteString(`<rect width="` + ws + `" height="20" rx="3" fill="#a4161a"/>`)
	b.WriteString(`<text x="` + mid + `" y="14" fill="#ffffff" font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="11" ` +
		`text-anchor="middle" textLength="` + tws + `" lengthAdjust="spacingAndGlyphs">` + t + `</text>`)
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// verdana11 are approximate advance widths (px) of Verdana at 11px for
// printable ASCII, from space to tilde.
var verdana11 = [95]float64{
	3.9, 4.3, 5.0, 9.0, 7.0, 11.8, 8.0, 3.0, 4.9, 4.9, 7.0, 9.0, 4.0, 5.0, 4.0, 5.0, // space - /
	7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 5.0, 5.0, 9.0, 9.0, 9.0, 6.0, // 0 - ?
	11.0, 7.5, 7.5, 7.7, 8.5, 7.0, 6.3, 8.5, 8.3, 4.6, 5.0, 7.6, 6.1, 9.4, 8.2, 8.7, // @ - O
	6.6, 8.7, 7.7, 7.5, 6.8, 8.1, 7.5, 10.9, 7.5, 6.8, 7.5, 4.9, 5.0, 4.9, 9.0, 7.0, // P - _
	7.0, 6.6, 6.8, 5.7, 6.8, 6.5, 3.9, 6.8, 7.0, 3.0, 3.8, 6.5, 3.0, 10.7, 7.0, 6.7, // ` - o
	6.8, 6.8, 4.7, 5.7, 4.3, 7.0, 6.5, 9.0, 6.5, 6.5, 5.8, 7.0, 5.0, 7.0, 9.0, // p - ~
}

// textWidth estimates the rendered width of text; the SVG's textLength
// then fits the glyphs to it exactly, whatever font the viewer has.
func textWidth(text string) int {
	var w float64
	for _, r := range text {
		switch {
		case r >= ' ' && r <= '~':
			w += verdana11[r-' ']
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			w += 11
		case unicode.IsSpace(r):
			w += 3.9
		default:
			w += 7.2
		}
	}
	return int(w + 0.5)
}
