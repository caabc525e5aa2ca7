// Command vulndb gives govulncheck a Go vulnerability database that works
// without network access, and judges what govulncheck found in it.
//
//	go run ./scripts/vulndb build -version V -out DIR
//	go tool govulncheck -db file://DIR -format json ./... > report.json
//	go run ./scripts/vulndb check -known SECURITY.md < report.json
//
// build fetches golang.org/x/vulndb@V through the module proxy (the public
// database at vuln.go.dev is unreachable from our machines) and lays its
// OSV entries out in the v1 database layout that govulncheck's file:// source
// reads: index/db.json, index/modules.json, index/vulns.json and
// ID/<id>.json. See https://go.dev/doc/security/vuln/database#api.
//
// check fails on any finding in a module, whether our code calls it or the
// module is only required, and on any finding in the standard library that
// SECURITY.md does not list: those wait for a Go release, and SECURITY.md
// names the release that fixes them.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = runBuild(os.Args[2:])
	case "check":
		err = runCheck(os.Args[2:], os.Stdin, os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: vulndb build -version V -out DIR | vulndb check -known FILE < govulncheck.json")
	os.Exit(2)
}
