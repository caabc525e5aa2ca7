// Command undersign-bench measures undersign on this machine: it starts a
// real `undersign serve` over loopback, seeds signatures quickly, drives
// load from this separate process with vegeta and prints the figures.
//
//	go build -o bin/undersign ./cmd/undersign
//	go run ./cmd/undersign-bench -bin bin/undersign -db postgres://postgres@127.0.0.1:5432/postgres
//	go run ./cmd/undersign-bench -bin bin/undersign -db sqlite
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/undersign/undersign/app/db"
)

type options struct {
	bin      string
	dbURL    string
	sizes    []int
	duration time.Duration
	conns    int
	work     string
}

func main() {
	var o options
	var sizes string
	flag.StringVar(&o.bin, "bin", "bin/undersign", "the undersign binary to measure")
	flag.StringVar(&o.dbURL, "db", "sqlite", `"sqlite", or a postgres:// URL of a server where the bench may create a database`)
	flag.StringVar(&sizes, "sizes", "10000,100000,1000000", "numbers of approved signatures to measure the public list at")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "length of the sign load; other scenarios run a third of it")
	flag.IntVar(&o.conns, "connections", 32, "concurrent connections of the load driver")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatal(fmt.Errorf("-sizes: %q is not a positive number", s))
		}
		o.sizes = append(o.sizes, n)
	}
	work, err := os.MkdirTemp("", "undersign-bench-")
	if err != nil {
		fatal(err)
	}
	o.work = work
	if err := run(context.Background(), o); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "undersign-bench:", err)
	os.Exit(1)
}

func run(ctx context.Context, o options) error {
	dsn, drop, err := benchDatabase(ctx, o)
	if err != nil {
		return err
	}
	defer drop()
	dialect := db.DialectOf(dsn)
	fmt.Printf("undersign-bench: %s, %d connections, sign load %s, logs in %s\n", dialect, o.conns, o.duration, o.work)
	b := &bench{o: o, dsn: dsn}
	return b.all(ctx)
}

// benchDatabase creates the database the bench measures and returns its
// DSN and a function that removes it.
func benchDatabase(ctx context.Context, o options) (string, func(), error) {
	if o.dbURL == "sqlite" {
		path := filepath.Join(o.work, "bench.db")
		return path, func() {}, nil
	}
	name := fmt.Sprintf("undersign_bench_%d", time.Now().Unix())
	admin, err := db.Open(ctx, o.dbURL)
	if err != nil {
		return "", nil, err
	}
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		return "", nil, err
	}
	var sync string
	admin.Raw("SHOW synchronous_commit").Scan(&sync)
	fmt.Printf("PostgreSQL synchronous_commit = %s\n", sync)
	drop := func() {
		_ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error
		_ = admin.Close()
	}
	dsn, err := withDatabase(o.dbURL, name)
	return dsn, drop, err
}

func withDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
