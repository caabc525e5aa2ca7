package main

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrk measures a cached page again with wrk when it is installed (Debian's
// package). vegeta is a Go program on the same two cores as the server,
// and spends more CPU per request than the server spends answering from
// its cache: it, not the server, sets the cached pages' rate. wrk, in C,
// costs less, so its figure is closer to what the server can answer.
func (b *bench) wrk(name, path string, d time.Duration) (figures, bool) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		return figures{}, false
	}
	secs := strconv.Itoa(max(int(d.Seconds()), 1)) + "s"
	out, err := exec.Command(bin, "-t2", "-c"+strconv.Itoa(b.o.conns), "-d"+secs, "--latency", b.srv.base+path).CombinedOutput() // #nosec G204 -- our own arguments
	f := figures{Name: name + ", wrk"}
	if err != nil {
		f.Failed, f.Errors = 1, []string{fmt.Sprintf("wrk: %v: %s", err, out)}
		return f, true
	}
	return parseWrk(f, string(out)), true
}

var (
	wrkRequests = regexp.MustCompile(`(\d+) requests in`)
	wrkRate     = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkLatency  = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocket   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads wrk's report (with --latency) into f.
func parseWrk(f figures, out string) figures {
	if m := wrkRequests.FindStringSubmatch(out); m != nil {
		f.Requests, _ = strconv.ParseUint(m[1], 10, 64)
	}
	if m := wrkRate.FindStringSubmatch(out); m != nil {
		f.Throughput, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, m := range wrkLatency.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		d := time.Duration(v * float64(unit))
		if m[1] == "50" {
			f.P50 = d
		} else {
			f.P99 = d
		}
	}
	var failed uint64
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseUint(m[1], 10, 64)
		failed += n
	}
	if m := wrkSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseUint(s, 10, 64)
			failed += n
		}
	}
	f.Failed = failed
	if f.Requests > 0 {
		f.Success = float64(f.Requests-min(failed, f.Requests)) / float64(f.Requests)
	}
	if f.Requests == 0 && !strings.Contains(out, "Requests/sec") {
		f.Failed, f.Errors = 1, []string{"wrk: no report: " + out}
	}
	return f
}
