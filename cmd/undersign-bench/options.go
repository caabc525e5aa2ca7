package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// options are what one run measures and how hard it pushes.
type options struct {
	bin      string
	dbURL    string
	sizes    []int
	duration time.Duration
	conns    int
	// short is the CI smoke mode: a small list, a few seconds of load,
	// and a failure when any request failed (see bench.verdict).
	short bool
	work  string
}

// scale is a mode's default size of the run; BENCH_N, BENCH_DURATION and
// BENCH_CONNS, then the flags, override each part.
type scale struct{ sizes, duration, conns string }

var (
	fullScale  = scale{sizes: "10000,100000,1000000", duration: "30s", conns: "32"}
	shortScale = scale{sizes: "2000", duration: "3s", conns: "8"}
)

// errUsage is a flag error that the flag package has already printed.
var errUsage = errors.New("usage")

// parseOptions reads the flags, then the BENCH_* environment for what they
// leave unset, then the mode's defaults. A wrong value is an error naming
// the flag or variable it came from.
func parseOptions(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("undersign-bench", flag.ContinueOnError)
	fs.StringVar(&o.bin, "bin", "bin/undersign", "the undersign binary to measure")
	fs.StringVar(&o.dbURL, "db", "sqlite", `"sqlite", or a postgres:// URL of a server where the bench may create a database`)
	sizes := fs.String("sizes", "", "comma-separated numbers of approved signatures to measure the public list at\n(env BENCH_N; default "+fullScale.sizes+", with -short "+shortScale.sizes+")")
	duration := fs.String("duration", "", "length of the sign load; other scenarios run a third of it\n(env BENCH_DURATION; default "+fullScale.duration+", with -short "+shortScale.duration+")")
	conns := fs.String("connections", "", "concurrent connections of the load driver\n(env BENCH_CONNS; default "+fullScale.conns+", with -short "+shortScale.conns+")")
	short := fs.Bool("short", false, "smoke test for CI: a small, quick run that fails on any error (env BENCH_SHORT=1)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errUsage
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	// pick is the flag's value when given, else the variable's when set,
	// else def; from names where it came from, for errors.
	pick := func(name, flagValue, env, def string) (value, from string) {
		if given[name] {
			return flagValue, "-" + name
		}
		if v := strings.TrimSpace(getenv(env)); v != "" {
			return v, env
		}
		return def, "-" + name
	}

	o.short = *short
	if v := strings.TrimSpace(getenv("BENCH_SHORT")); !given["short"] && v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, fmt.Errorf("BENCH_SHORT: %q is not a boolean (1 or 0)", v)
		}
		o.short = b
	}
	def := fullScale
	if o.short {
		def = shortScale
	}
	var err error
	if o.sizes, err = parseSizes(pick("sizes", *sizes, "BENCH_N", def.sizes)); err != nil {
		return o, err
	}
	if o.duration, err = parseDuration(pick("duration", *duration, "BENCH_DURATION", def.duration)); err != nil {
		return o, err
	}
	if o.conns, err = parseConns(pick("connections", *conns, "BENCH_CONNS", def.conns)); err != nil {
		return o, err
	}
	return o, nil
}

func parseSizes(v, from string) ([]int, error) {
	var sizes []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%s: %q is not a comma-separated list of positive numbers", from, v)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func parseDuration(v, from string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("%s: %q is not a duration of at least 1s (such as 30s or 2m)", from, v)
	}
	return d, nil
}

func parseConns(v, from string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, fmt.Errorf("%s: %q is not a number of connections from 1 to 10000", from, v)
	}
	return n, nil
}
