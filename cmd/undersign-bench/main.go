// Command undersign-bench measures undersign on this machine: it starts a
// real `undersign serve` over loopback, seeds signatures quickly, drives
// load from this separate process with vegeta and prints the figures.
//
//	go build -o bin/undersign ./cmd/undersign
//	go run ./cmd/undersign-bench -bin bin/undersign -db postgres://postgres@127.0.0.1:5432/postgres
//	go run ./cmd/undersign-bench -bin bin/undersign -db sqlite
//
// BENCH_N (list sizes, "10000,100000"), BENCH_DURATION and BENCH_CONNS
// scale a run, as -sizes, -duration and -connections do (a flag wins).
// -short (BENCH_SHORT=1) is the smoke test CI runs: a small list and a
// few seconds of load, failing when any request failed. Every run ends
// with one table of the figures, and fails when the sign load's
// acknowledged submissions and stored rows differ.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/undersign/undersign/app/db"
)

func main() {
	o, err := parseOptions(os.Args[1:], os.Getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2) // the flag package said what was wrong
	case err != nil:
		fmt.Fprintln(os.Stderr, "undersign-bench:", err)
		os.Exit(2)
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
	b := &bench{o: o, dsn: dsn, dialect: dialect}
	fmt.Printf("undersign-bench: %s\n", b.settings())
	err = b.all(ctx)
	b.table(os.Stdout)
	if err != nil {
		return err
	}
	return b.verdict()
}

// benchDatabase creates the database the bench measures and returns its
// DSN and a function that removes it.
func benchDatabase(ctx context.Context, o options) (string, func(), error) {
	if o.dbURL == "sqlite" {
		path := filepath.Join(o.work, "bench.db")
		drop := func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				_ = os.Remove(path + suffix)
			}
		}
		return path, drop, nil
	}
	name := fmt.Sprintf("undersign_bench_%d_%d", time.Now().Unix(), os.Getpid())
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
