package web

import (
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/listing"
)

// barChart is a small bar chart drawn as SVG by the page template, with a
// table of the same figures for those who cannot see it. Every coordinate
// is computed here; the template only places numbers and our own labels.
type barChart struct {
	ID            string
	Title         string
	Desc          string
	Width, Height int
	Bars          []chartBar
	Labels        []chartLabel
	// Columns and Rows are the table alternative.
	Columns [2]string
	Rows    []chartRow
}

type chartBar struct {
	X, Y, W, H int
	Tip        string
}

type chartLabel struct {
	X, Y   int
	Anchor string // start, middle, end
	Text   string
}

type chartRow struct{ Label, Value string }

// dayChart draws approvals per day as vertical bars.
func dayChart(loc *i18n.Locale, days []listing.DayCount) *barChart {
	if len(days) == 0 {
		return nil
	}
	const (
		left, top, plotH, step, barW = 44, 10, 120, 18, 14
	)
	var max, sum int64
	for _, d := range days {
		max = maxInt64(max, d.N)
		sum += d.N
	}
	first, last := loc.Date(days[0].Day), loc.Date(days[len(days)-1].Day)
	ch := &barChart{
		ID: "chart-days", Title: loc.T("list.chart.days"),
		Desc: loc.T("list.chart.days_desc", "Count", sum, "N", loc.Num(sum), "First", first, "Last", last,
			"Max", loc.Num(max)),
		Width: left + step*len(days) + 4, Height: top + plotH + 24,
		Columns: [2]string{loc.T("list.chart.day"), loc.T("list.chart.signatures")},
	}
	base := top + plotH
	for i, d := range days {
		h := scale(d.N, max, plotH)
		label := loc.Date(d.Day)
		ch.Bars = append(ch.Bars, chartBar{X: left + i*step, Y: base - h, W: barW, H: h,
			Tip: loc.T("list.chart.tip", "Label", label, "N", loc.Num(d.N))})
		ch.Rows = append(ch.Rows, chartRow{Label: label, Value: loc.Num(d.N)})
	}
	ch.Labels = []chartLabel{
		{X: left - 6, Y: top + 10, Anchor: "end", Text: loc.Num(max)},
		{X: left - 6, Y: base, Anchor: "end", Text: loc.Num(0)},
		{X: left, Y: base + 18, Anchor: "start", Text: first},
		{X: left + step*(len(days)-1) + barW, Y: base + 18, Anchor: "end", Text: last},
	}
	return ch
}

// topCountries is how many countries the country chart draws; the table
// lists them all.
const topCountries = 10

// countryChart draws the countries with the most signatories as
// horizontal bars; countries are already named in loc.
func countryChart(loc *i18n.Locale, countries []listing.CountryCount) *barChart {
	if len(countries) == 0 {
		return nil
	}
	const (
		labelW, barMax, rowH, barH = 170, 300, 26, 18
	)
	shown := countries[:min(len(countries), topCountries)]
	max := shown[0].N
	ch := &barChart{
		ID: "chart-countries", Title: loc.T("list.chart.countries"),
		Desc: loc.T("list.chart.countries_desc", "Count", len(shown), "N", loc.Num(len(shown)),
			"Country", shown[0].Name, "Max", loc.Num(max)),
		Width: labelW + barMax + 70, Height: rowH * len(shown),
		Columns: [2]string{loc.T("list.chart.country"), loc.T("list.chart.signatories")},
	}
	for i, c := range shown {
		y := i * rowH
		w := scale(c.N, max, barMax)
		ch.Bars = append(ch.Bars, chartBar{X: labelW, Y: y + (rowH-barH)/2, W: w, H: barH,
			Tip: loc.T("list.chart.tip", "Label", c.Name, "N", loc.Num(c.N))})
		ch.Labels = append(ch.Labels,
			chartLabel{X: labelW - 8, Y: y + rowH/2 + 5, Anchor: "end", Text: truncateRunes(c.Name, 24)},
			chartLabel{X: labelW + w + 6, Y: y + rowH/2 + 5, Anchor: "start", Text: loc.Num(c.N)})
	}
	for _, c := range countries {
		ch.Rows = append(ch.Rows, chartRow{Label: c.Name, Value: loc.Num(c.N)})
	}
	return ch
}

// scale maps n in [0, max] to [0, size], keeping any non-zero value visible.
func scale(n, max int64, size int) int {
	if n <= 0 || max <= 0 {
		return 0
	}
	return max1(int(n * int64(size) / max))
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
