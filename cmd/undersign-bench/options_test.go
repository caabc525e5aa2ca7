package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		env      map[string]string
		sizes    []int
		duration time.Duration
		conns    int
		short    bool
		err      string // part of the error; "" for none
	}{
		{name: "defaults", sizes: []int{10000, 100000, 1000000}, duration: 30 * time.Second, conns: 32},
		{name: "env", env: map[string]string{"BENCH_N": "500, 5000", "BENCH_DURATION": "10s", "BENCH_CONNS": "4"},
			sizes: []int{500, 5000}, duration: 10 * time.Second, conns: 4},
		{name: "flags win over env", args: []string{"-sizes", "7", "-duration", "2s", "-connections", "3"},
			env:   map[string]string{"BENCH_N": "500", "BENCH_DURATION": "10s", "BENCH_CONNS": "4"},
			sizes: []int{7}, duration: 2 * time.Second, conns: 3},
		{name: "short flag", args: []string{"-short"}, sizes: []int{2000}, duration: 3 * time.Second, conns: 8, short: true},
		{name: "short env, scaled by env", env: map[string]string{"BENCH_SHORT": "1", "BENCH_CONNS": "2"},
			sizes: []int{2000}, duration: 3 * time.Second, conns: 2, short: true},
		{name: "short flag off wins", args: []string{"-short=false"}, env: map[string]string{"BENCH_SHORT": "1"},
			sizes: []int{10000, 100000, 1000000}, duration: 30 * time.Second, conns: 32},
		{name: "bad size", env: map[string]string{"BENCH_N": "10,x"}, err: `BENCH_N: "10,x"`},
		{name: "zero size", args: []string{"-sizes", "0"}, err: `-sizes: "0"`},
		{name: "bad duration", env: map[string]string{"BENCH_DURATION": "30"}, err: `BENCH_DURATION: "30"`},
		{name: "bad conns", env: map[string]string{"BENCH_CONNS": "-1"}, err: `BENCH_CONNS: "-1"`},
		{name: "bad short", env: map[string]string{"BENCH_SHORT": "sure"}, err: `BENCH_SHORT: "sure"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(o.sizes, tc.sizes) || o.duration != tc.duration || o.conns != tc.conns || o.short != tc.short {
				t.Errorf("got sizes %v duration %s conns %d short %v", o.sizes, o.duration, o.conns, o.short)
			}
		})
	}
}
