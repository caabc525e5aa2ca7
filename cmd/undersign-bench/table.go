package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// row is one line of the table a run ends with.
type row struct {
	scenario string
	size     int     // approved signatures in the list; 0 before the list is measured
	rate     float64 // answers as expected per second; 0 for a one-off step
	p50, p99 time.Duration
	requests uint64
	errors   uint64  // answers not as expected, transport errors included
	rssMB    float64 // the server's peak RSS meanwhile; 0 when not sampled
	note     string
	load     bool // a load scenario: it must have sent requests
	mismatch bool // the rows stored differ from what the server acknowledged
}

// loadRow is the row of a load scenario's figures.
func loadRow(size int, f figures) row {
	return row{scenario: f.Name, size: size, rate: f.Throughput, p50: f.P50, p99: f.P99, requests: f.Requests,
		errors: f.Failed, rssMB: f.PeakRSS, note: f.Note, load: true}
}

func (b *bench) settings() string {
	mode := ""
	if b.o.short {
		mode = " (short)"
	}
	return fmt.Sprintf("%s%s, list sizes %s, %d connections, sign load %s, logs in %s",
		b.dialect, mode, joinInts(b.o.sizes), b.o.conns, b.o.duration, b.o.work)
}

// table writes every row, aligned, under the run's settings.
func (b *bench) table(w io.Writer) {
	head := []string{"scenario", "list", "req/s", "p50", "p99", "requests", "errors", "RSS MB", "note"}
	cells := [][]string{head}
	for _, r := range b.rows {
		cells = append(cells, []string{r.scenario, sizeCell(r.size), rate(r.rate), dur(r.p50), dur(r.p99),
			count(r.requests), errCount(r), mb(r.rssMB), r.note})
	}
	width := make([]int, len(head))
	for _, line := range cells {
		for i, c := range line {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	fmt.Fprintf(w, "\n=== undersign-bench: %s\n", b.settings())
	for _, line := range cells {
		var sb strings.Builder
		for i, c := range line {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			switch {
			case i == 0:
				sb.WriteString(c + pad)
			case i == len(line)-1:
				sb.WriteString("  " + c)
			default:
				sb.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	}
}

// verdict fails the run when the server acknowledged signatures it did not
// store, and in the short mode when any request failed or a load sent
// nothing.
func (b *bench) verdict() error {
	var bad []string
	for _, r := range b.rows {
		switch {
		case r.mismatch:
			bad = append(bad, r.scenario+": stored rows differ from acknowledged ones")
		case b.o.short && r.errors > 0:
			bad = append(bad, fmt.Sprintf("%s: %d errors", r.scenario, r.errors))
		case b.o.short && r.load && r.requests == 0:
			bad = append(bad, r.scenario+": no request was sent")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d failed: %s (logs in %s)", len(bad), strings.Join(bad, "; "), b.o.work)
	}
	return nil
}

func errCount(r row) string {
	s := strconv.FormatUint(r.errors, 10)
	if !r.load && r.errors == 0 {
		s = "-"
	}
	if r.mismatch {
		s += " MISMATCH"
	}
	return s
}

func count(n uint64) string {
	if n == 0 {
		return "-"
	}
	return strconv.FormatUint(n, 10)
}

func sizeCell(n int) string {
	if n <= 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

func rate(r float64) string {
	if r == 0 {
		return "-"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func mb(v float64) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
