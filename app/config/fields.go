package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Field describes one configuration variable, so that the CLI can offer it
// as a flag and documentation can list it.
type Field struct {
	Field   string // Go field name
	Var     string // variable name without the prefix
	Flag    string // serve flag name
	Default string
	Usage   string
	Secret  bool // may also be given as UNDERSIGN_<VAR>_FILE
}

// Fields lists every configuration variable in declaration order.
func Fields() []Field {
	t := reflect.TypeOf(Config{})
	out := make([]Field, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		out = append(out, Field{
			Field:   f.Name,
			Var:     name,
			Flag:    f.Tag.Get("flag"),
			Default: f.Tag.Get("envDefault"),
			Usage:   f.Tag.Get("usage"),
			Secret:  f.Tag.Get("secret") == "true",
		})
	}
	return out
}

// Rate is a number of events allowed per window.
type Rate struct {
	Limit  int
	Window time.Duration
}

// ParseRate reads "count/window", e.g. "5/10m".
func ParseRate(s string) (int, time.Duration, error) {
	n, w, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not count/window, e.g. 5/10m", s)
	}
	limit, err := strconv.Atoi(n)
	if err != nil || limit <= 0 {
		return 0, 0, fmt.Errorf("%q: count must be a positive number", s)
	}
	window, err := time.ParseDuration(w)
	if err != nil || window <= 0 {
		return 0, 0, fmt.Errorf("%q: window must be a duration such as 10m or 1h", s)
	}
	return limit, window, nil
}

// MustRate parses a rate that validation has already accepted.
func MustRate(s string) Rate {
	l, w, err := ParseRate(s)
	if err != nil {
		panic(err)
	}
	return Rate{Limit: l, Window: w}
}
