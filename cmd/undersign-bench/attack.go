package main

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// figures are one scenario's measurements.
type figures struct {
	Name       string
	Requests   uint64
	Throughput float64 // successful requests per second
	P50, P99   time.Duration
	Success    float64
	Failed     uint64 // answers not as expected and transport errors
	Codes      map[string]int
	Errors     []string
	PeakRSS    float64 // the server's peak RSS during the load, in MB; 0 when not sampled
	Note       string
}

// attackAt sends targets from tr at rate per second (0: as fast as they
// are answered) for d. At a fixed rate the load is open: requests leave on
// time whether or not earlier ones were answered (up to 4 workers per
// connection wait for one), so p99 is the latency a visitor sees at that
// rate, not the queue of a saturated closed loop.
func attackAt(name string, tr vegeta.Targeter, conns, rate int, d time.Duration, ok func(code uint16) bool) figures {
	workers := uint64(conns) // #nosec G115 -- small positive
	if rate > 0 {
		workers *= 4
	}
	a := vegeta.NewAttacker(
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(workers), // #nosec G115 -- small positive
		vegeta.Redirects(vegeta.NoFollow), vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second),
	)
	var m vegeta.Metrics
	var good uint64
	for res := range a.Attack(tr, vegeta.Rate{Freq: rate, Per: time.Second}, d, name) {
		if res.Code == 0 && res.Error == vegeta.ErrNoTargets.Error() {
			continue // the targets ran out: the load ends, nothing was sent
		}
		m.Add(res)
		if ok(res.Code) && res.Error == "" {
			good++
		}
	}
	m.Close()
	f := figures{Name: name, Requests: m.Requests, P50: m.Latencies.P50, P99: m.Latencies.P99,
		Failed: m.Requests - good, Codes: m.StatusCodes, Errors: m.Errors}
	if m.Duration > 0 {
		f.Throughput = float64(good) / (m.Duration + m.Wait).Seconds()
	}
	if m.Requests > 0 {
		f.Success = float64(good) / float64(m.Requests)
	}
	return f
}

func is2xx(code uint16) bool { return code >= 200 && code < 300 }

// getTargeter cycles through paths with GET requests.
func getTargeter(base string, paths []string) vegeta.Targeter {
	targets := make([]vegeta.Target, len(paths))
	for i, p := range paths {
		targets[i] = vegeta.Target{Method: http.MethodGet, URL: base + p}
	}
	return vegeta.NewStaticTargeter(targets...)
}

func (f figures) String() string {
	codes := make([]string, 0, len(f.Codes))
	for c, n := range f.Codes {
		codes = append(codes, fmt.Sprintf("%s:%d", c, n))
	}
	sort.Strings(codes)
	s := fmt.Sprintf("%-34s %9d req %10.0f/s  p50 %8s  p99 %8s  ok %6.2f%%  [%s]",
		f.Name, f.Requests, f.Throughput, f.P50.Round(10*time.Microsecond), f.P99.Round(10*time.Microsecond),
		100*f.Success, strings.Join(codes, " "))
	if f.Note != "" {
		s += "  " + f.Note
	}
	if len(f.Errors) > 0 && f.Success < 1 {
		errs := f.Errors
		if len(errs) > 3 {
			errs = errs[:3]
		}
		s += "\n      errors: " + strings.Join(errs, "; ")
	}
	return s
}
