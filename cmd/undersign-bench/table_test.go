package main

import (
	"strings"
	"testing"
)

func TestVerdict(t *testing.T) {
	ok := row{scenario: "ok", load: true, requests: 10}
	for _, tc := range []struct {
		name  string
		short bool
		rows  []row
		fails string // part of the error; "" when the run passes
	}{
		{name: "clean", short: true, rows: []row{ok, {scenario: "idle", rssMB: 40}}},
		{name: "errors fail the short mode", short: true, rows: []row{ok, {scenario: "sign", load: true, requests: 10, errors: 2}},
			fails: "sign: 2 errors"},
		{name: "errors are figures in the full mode", rows: []row{{scenario: "sign", load: true, requests: 10, errors: 2}}},
		{name: "a load that sent nothing fails the short mode", short: true, rows: []row{{scenario: "confirm", load: true}},
			fails: "confirm: no request"},
		{name: "a mismatch fails the full mode", rows: []row{{scenario: "sign", load: true, requests: 10, mismatch: true}},
			fails: "sign: stored rows differ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &bench{o: options{short: tc.short}, rows: tc.rows}
			err := b.verdict()
			if tc.fails == "" && err != nil || tc.fails != "" && (err == nil || !strings.Contains(err.Error(), tc.fails)) {
				t.Errorf("verdict: %v, want failure %q", err, tc.fails)
			}
		})
	}
}

func TestTableAligns(t *testing.T) {
	b := &bench{o: options{sizes: []int{2000}, conns: 8}, dialect: "sqlite", rows: []row{
		{scenario: "idle", rssMB: 41.5},
		{scenario: "public list uncached, cursor", size: 2000, rate: 1500, p50: 2500000, p99: 41000000, requests: 861, load: true},
		{scenario: "sign", rate: 500, requests: 10, errors: 1, load: true, mismatch: true, note: "acknowledged 10, rows 9"},
	}}
	var out strings.Builder
	b.table(&out)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	col := strings.Index(lines[1], "req/s") + len("req/s")
	for _, l := range lines[2:] {
		if len(l) < col || l[col-1] == ' ' {
			t.Errorf("req/s column not right-aligned at %d:\n%s", col, out.String())
		}
	}
	if !strings.Contains(lines[4], "1 MISMATCH") || !strings.Contains(lines[3], " 0 ") {
		t.Errorf("errors column:\n%s", out.String())
	}
}
