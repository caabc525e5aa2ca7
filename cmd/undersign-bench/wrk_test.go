package main

import (
	"testing"
	"time"
)

func TestParseWrk(t *testing.T) {
	out := `Running 5s test @ http://127.0.0.1:40000/badge/x.svg
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   620.00us  400.00us  10.00ms   90.00%
    Req/Sec    28.00k     2.00k   31.00k    70.00%
  Latency Distribution
     50%  550.00us
     75%  700.00us
     90%    1.00ms
     99%    2.50ms
  283456 requests in 5.00s, 300.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  56691.20
Transfer/sec:     60.00MB
`
	f := parseWrk(figures{Name: "badge"}, out)
	if f.Requests != 283456 || f.Throughput != 56691.2 || f.P50 != 550*time.Microsecond || f.P99 != 2500*time.Microsecond || f.Failed != 7 {
		t.Errorf("parsed %+v", f)
	}
}
